"""tools/export_html.py (make html) and the runner it shares with benchmarks/budget.py."""

import os
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


def small_course(folder: Path) -> Path:
    """A two-notebook course: a figure, a widget, a link to the next notebook."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Tiny lesson\n\nNext: [the next one](01_next.ipynb)."),
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\n%matplotlib inline\n"
            "fig, ax = plt.subplots()\nax.plot([0, 1], [1, 0])\nax.set_title('a line')\nplt.show()"
        ),
        nbformat.v4.new_code_cell("import ipywidgets as w\nw.VBox([w.IntSlider(3)])"),
        nbformat.v4.new_code_cell("print(6 * 7)"),
    ]
    path = folder / "00_tiny.ipynb"
    nbformat.write(nb, path)
    return path


def widget_state(*models) -> dict:
    """A notebook's widget state holding models given as (id, model_name, state[, png])."""
    state = {}
    for model_id, name, values, *png in models:
        entry = {"model_name": name, "model_module": "@jupyter-widgets/controls", "state": values}
        if png:
            entry["buffers"] = [{"path": ["value"], "data": png[0], "encoding": "base64"}]
        state[model_id] = entry
    return {export_html.WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": state}}


EXPLORER_STATE = widget_state(
    ("root", "VBoxModel", {"children": ["IPY_MODEL_row", "IPY_MODEL_pic", "IPY_MODEL_sum"]}),
    ("row", "HBoxModel", {"children": ["IPY_MODEL_menu", "IPY_MODEL_step", "IPY_MODEL_play"]}),
    ("menu", "DropdownModel", {"description": "image", "_options_labels": ["a", "b"], "index": 1}),
    ("step", "IntSliderModel", {"description": "step", "value": 42}),
    ("play", "PlayModel", {"interval": 200}),
    ("pic", "ImageModel", {"format": "png"}, "iVBORw0KGgo="),
    ("sum", "HTMLModel", {"value": "<b>sum</b> = 660"}),
)


def test_snapshot_shows_pictures_text_and_controls_as_left():
    models = EXPLORER_STATE[export_html.WIDGET_STATE]["state"]
    html = export_html.snapshot("root", models)
    assert html.startswith('<div style="display:flex;flex-direction:column;')
    assert "flex-direction:row;" in html  # the HBox
    assert '<img src="data:image/png;base64,iVBORw0KGgo="' in html
    assert "<b>sum</b> = 660" in html
    assert ">image: b</span>" in html and ">step: 42</span>" in html
    assert html.index("image: b") < html.index("step: 42") < html.index("<img")  # in order
    assert "200" not in html  # a Play button has nothing to show
    assert export_html.snapshot("missing", models) == ""


def test_replace_widgets_puts_note_and_snapshot_in_place_of_every_widget_view():
    nb = nbformat.v4.new_notebook()
    view = {WIDGET: {"model_id": "root"}, "text/plain": "VBox(children=(IntSlider(value=3),))"}
    nb.cells = [
        nbformat.v4.new_code_cell(
            outputs=[
                nbformat.v4.new_output("display_data", data=view),
                nbformat.v4.new_output("stream", text="hello\n"),
                nbformat.v4.new_output("display_data", data={**view, WIDGET: {"model_id": "gone"}}),
            ]
        ),
        nbformat.v4.new_markdown_cell("no outputs here"),
    ]
    nb.metadata["widgets"] = EXPLORER_STATE
    assert export_html.replace_widgets(nb) == 2
    first, second, third = nb.cells[0].outputs
    assert list(first["data"]) == ["text/html"] and list(third["data"]) == ["text/html"]
    assert export_html.WIDGET_NOTE in first["data"]["text/html"]
    assert "step: 42" in first["data"]["text/html"]
    assert export_html.SNAPSHOT_NOTE in first["data"]["text/html"]
    assert export_html.WIDGET_NOTE in third["data"]["text/html"]  # no state: the note alone
    assert export_html.SNAPSHOT_NOTE not in third["data"]["text/html"]
    assert second["text"] == "hello\n"
    assert "widgets" not in nb.metadata
    assert export_html.replace_widgets(nb) == 0  # nothing left to replace


def test_title_of_takes_the_first_level_one_heading():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("# a comment, not a title"),
        nbformat.v4.new_markdown_cell("Intro\n## Not this\n# 04 — Sliding kernels\n"),
    ]
    assert export_html.title_of(nb, "fallback") == "04 — Sliding kernels"
    assert export_html.title_of(nbformat.v4.new_notebook(), "fallback") == "fallback"


def test_index_page_links_every_page_with_its_title():
    page = export_html.index_page(
        [(Path("site/00_a.html"), "Start <here>"), (Path("01_b.html"), "B")]
    )
    assert '<a href="00_a.html">Start &lt;here&gt;</a>' in page
    assert '<a href="01_b.html">B</a>' in page
    assert page.index("00_a.html") < page.index("01_b.html")


def test_kernel_peak_mb_reads_this_process():
    peak = budget.kernel_peak_mb(os.getpid())
    assert 10 < peak < 100_000  # this pytest process holds numpy and matplotlib
    with pytest.raises(FileNotFoundError):
        budget.kernel_peak_mb(2**22 + 12345)  # above Linux's largest PID


def test_run_notebook_executes_in_a_fresh_kernel_and_measures_it(tmp_path):
    nb = nbformat.read(small_course(tmp_path), as_version=4)
    run = budget.run_notebook(nb)
    assert nb.cells[3].outputs[0]["text"] == "42\n"
    assert run.seconds > 0
    assert list(run.peak_after_cell) == [1, 2, 3]  # the code cells, in order
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


def test_export_writes_a_readable_page_with_figures_notes_and_html_links(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    page, title = export_html.export(small_course(tmp_path), out)
    text = page.read_text()
    assert page == out / "00_tiny.html"
    assert title == "Tiny lesson"
    assert "data:image/png;base64," in text  # the figure is embedded
    assert "This is a live widget" in text
    assert "how it looked when the notebook had run" in text and ">3</span>" in text
    assert "VBox(children=" not in text and "IntSlider(" not in text
    assert "html-manager" not in text  # no widget scripts that would render blanks
    assert 'href="01_next.html"' in text and "01_next.ipynb" not in text
    assert "42" in text
