"""tools/export_html.py (make html) and the runner it shares with benchmarks/budget.py.

The pages themselves are opened in Chromium, with the network refused, by
tests/browser/test_static_site.py.
"""

import hashlib
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import budget  # noqa: E402
import export_html  # noqa: E402

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
WIDGET = export_html.WIDGET_VIEW

# An anywidget drawn in the browser, the smallest there is.
PROBE_WIDGET = """import anywidget, traitlets
class Probe(anywidget.AnyWidget):
    _esm = "export default { render({ model, el }) { el.textContent = model.get('n'); } };"
    n = traitlets.Int(5).tag(sync=True)
Probe()"""


def small_course(folder: Path) -> Path:
    """A two-notebook course: formulas, a figure, an anywidget, a kernel-only widget, a link."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Tiny lesson\n\n$\\sum_k x_k$. Next: [the next one](01_next.ipynb)."
        ),
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\n%matplotlib inline\n"
            "fig, ax = plt.subplots()\nax.plot([0, 1], [1, 0])\nax.set_title('a line')\nplt.show()"
        ),
        nbformat.v4.new_code_cell(PROBE_WIDGET),
        nbformat.v4.new_code_cell("import ipywidgets as w\nw.VBox([w.IntSlider(3), w.Label('x')])"),
        nbformat.v4.new_code_cell("print(6 * 7)"),
    ]
    path = folder / "00_tiny.ipynb"
    nbformat.write(nb, path)
    return path


def model(name: str, module: str = "@jupyter-widgets/controls", **state) -> dict:
    return {"model_name": name, "model_module": module, "state": state}


def notebook_showing(models: dict, *views: str):
    """A notebook with one cell displaying each of the model ids in views."""
    nb = nbformat.v4.new_notebook()
    outputs = [
        nbformat.v4.new_output("display_data", data={WIDGET: {"model_id": v}, "text/plain": v})
        for v in views
    ]
    nb.cells = [nbformat.v4.new_code_cell(outputs=outputs), nbformat.v4.new_markdown_cell("hi")]
    nb.metadata["widgets"] = {export_html.WIDGET_STATE: {"state": models}}
    return nb


MODELS = {
    # a slider and a label only the kernel connects (notebook 00's slider check)
    "check": model("VBoxModel", children=["IPY_MODEL_slider", "IPY_MODEL_label"]),
    "slider": model("IntSliderModel", layout="IPY_MODEL_layout", value=3),
    "label": model("LabelModel", value="3 x 3 = 9"),
    "layout": model("LayoutModel", "@jupyter-widgets/base"),
    # a menu beside an anywidget: drawn in the browser (the widget says itself what needs Python)
    "mixed": model("HBoxModel", children=[["IPY_MODEL_menu"], "IPY_MODEL_drawn"]),
    "menu": model("DropdownModel", index=0),
    "drawn": model("AnyModel", "anywidget"),
    # a picture with no control: nothing to answer
    "picture": model("ImageModel"),
}


def test_kernel_only_widgets_are_the_ones_with_controls_and_no_anywidget():
    nb = notebook_showing(MODELS, "check", "mixed", "picture", "slider", "not-stored")
    assert export_html.kernel_only_widgets(nb) == ["check", "slider"]
    assert export_html.kernel_only_widgets(nbformat.v4.new_notebook()) == []


def test_note_kernel_widgets_puts_the_note_right_under_each():
    nb = notebook_showing(MODELS, "check", "mixed", "slider")
    assert export_html.note_kernel_widgets(nb) == 2
    outputs = nb.cells[0].outputs
    kinds = [
        next(iter(o.data)) if WIDGET not in o.data else o.data[WIDGET]["model_id"] for o in outputs
    ]
    assert kinds == ["check", "text/html", "mixed", "slider", "text/html"]
    assert export_html.KERNEL_WIDGET_NOTE in outputs[1].data["text/html"]


def test_title_of_takes_the_first_level_one_heading():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("# a comment, not a title"),
        nbformat.v4.new_markdown_cell("Intro\n## Not this\n# 04 — Sliding kernels\n"),
    ]
    assert export_html.title_of(nb, "fallback") == "04 — Sliding kernels"
    assert export_html.title_of(nbformat.v4.new_notebook(), "fallback") == "fallback"


def test_links_to_notebooks_point_to_their_pages_04b_too():
    body = '<a href="04b_learning_a_kernel.ipynb#x">a</a> <a href="05_cnn.ipynb">b</a>'
    linked = export_html.NOTEBOOK_LINK.sub(r'href="\1.html\2"', body)
    assert linked == '<a href="04b_learning_a_kernel.html#x">a</a> <a href="05_cnn.html">b</a>'
    assert export_html.NOTEBOOK_LINK.search('href="notes.ipynb"') is None  # not a course page


def test_index_page_links_every_page_with_its_title():
    page = export_html.index_page(
        [(Path("site/00_a.html"), "Start <here>"), (Path("01_b.html"), "B")]
    )
    assert '<a href="00_a.html">Start &lt;here&gt;</a>' in page
    assert '<a href="01_b.html">B</a>' in page
    assert page.index("00_a.html") < page.index("01_b.html")
    assert "need no Python" in page and "sliders move" in page


def vendored_checksums() -> dict[str, str]:
    """{file: sha256} from the table in tools/vendor/README.md."""
    text = (export_html.VENDOR / "README.md").read_text()
    return dict(re.findall(r"^\| `([\w/.-]+)` \|.*\| `([0-9a-f]{64})` \|$", text, re.M))


def test_vendored_scripts_are_the_ones_the_readme_lists():
    sums = vendored_checksums()
    assert set(sums) == {"require.js", "embed-amd.js", "mathjax/tex-svg-full.js"}
    for name, expected in sums.items():
        data = (export_html.VENDOR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == expected, f"tools/vendor/{name} changed"


def test_copy_scripts_puts_every_script_a_page_loads_beside_it(tmp_path):
    written = export_html.copy_scripts(tmp_path)
    names = sorted(str(p.relative_to(tmp_path)) for p in written)
    assert names == ["anywidget.js", "embed-amd.js", "mathjax/tex-svg-full.js", "require.js"]
    # the module the widget manager asks require.js for: an AMD module on the widgets' base
    assert 'define(["@jupyter-widgets/base"]' in (tmp_path / "anywidget.js").read_text()
    assert "renderWidgets" in (tmp_path / "embed-amd.js").read_text()


def test_kernel_peak_mb_reads_this_process():
    peak = budget.kernel_peak_mb(os.getpid())
    assert 10 < peak < 100_000  # this pytest process holds numpy and matplotlib
    with pytest.raises(FileNotFoundError):
        budget.kernel_peak_mb(2**22 + 12345)  # above Linux's largest PID


def test_run_notebook_executes_in_a_fresh_kernel_and_measures_it(tmp_path):
    nb = nbformat.read(small_course(tmp_path), as_version=4)
    run = budget.run_notebook(nb)
    assert nb.cells[4].outputs[0]["text"] == "42\n"
    assert run.seconds > 0
    assert list(run.peak_after_cell) == [1, 2, 3, 4]  # the code cells, in order
    peaks = list(run.peak_after_cell.values())
    assert peaks == sorted(peaks)  # a high-water mark never falls
    assert run.peak_mb == peaks[-1] > 30  # a Python kernel with matplotlib loaded


def test_heaviest_cells_are_the_ones_that_raised_the_peak_most():
    run = budget.Run(1.0, 300.0, {1: 100.0, 2: 110.0, 4: 290.0, 5: 300.0})
    assert run.heaviest_cells(2) == [(4, 180.0), (1, 100.0)]


def test_run_notebook_raises_on_a_failing_cell():
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [nbformat.v4.new_code_cell("1 / 0")]
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        budget.run_notebook(nb)


def test_export_course_writes_a_live_site_that_loads_only_files_beside_it(tmp_path):
    out = tmp_path / "site"
    broken = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    broken.cells = [nbformat.v4.new_code_cell("1 / 0")]
    books = {"00_tiny": nbformat.read(small_course(tmp_path), as_version=4), "01_next": broken}
    failed = export_html.export_course(books, out, workers=2)
    assert list(failed) == ["01_next"] and "ZeroDivisionError" in failed["01_next"]
    assert sorted(p.name for p in out.glob("*.html")) == ["00_tiny.html", "index.html"]
    assert '<a href="00_tiny.html">Tiny lesson</a>' in (out / "index.html").read_text()
    assert (out / "anywidget.js").exists() and (out / "mathjax" / "tex-svg-full.js").exists()
    text = (out / "00_tiny.html").read_text()
    assert "data:image/png;base64," in text  # the figure is embedded
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', text)
    assert sources == ["require.js", "embed-amd.js", "mathjax/tex-svg-full.js"]
    assert "https://" not in "".join(re.findall(r"<script[^>]*>", text))
    # the stored widget state and both widget views, for the widget manager to draw
    assert text.count('type="application/vnd.jupyter.widget-state+json"') == 1
    assert text.count('type="application/vnd.jupyter.widget-view+json"') == 2
    assert '"model_module": "anywidget"' in text
    assert export_html.STATIC_NOTE in text
    assert text.count(export_html.KERNEL_WIDGET_NOTE) == 1  # the ipywidgets VBox only
    views = [m.start() for m in re.finditer("widget-view[+]json", text)]
    assert views[0] < views[1] < text.index(export_html.KERNEL_WIDGET_NOTE)  # under the VBox
    assert "$\\sum_k x_k$" in text  # left for MathJax to typeset in the page
    assert 'href="01_next.html"' in text and "01_next.ipynb" not in text
    assert "42" in text


def test_a_page_that_would_load_from_the_network_is_refused():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell('<img src="https://example.org/x.png"> [ok](https://a.b)')
    ]
    with pytest.raises(RuntimeError, match="https://example.org/x.png"):
        export_html.page_html(nb, "t")
    nb.cells = [nbformat.v4.new_markdown_cell("a link is fine: [ok](https://example.org)")]
    assert "https://example.org" in export_html.page_html(nb, "t")
