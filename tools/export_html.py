"""A static, live HTML copy of the course that needs no kernel (used by `make html`).

    python tools/export_html.py [notebooks/NN_name.ipynb ...] [--out site]

Every notebook (default: all of notebooks/*.ipynb) is run top to bottom in a fresh kernel
(benchmarks/budget.py's runner, which also reports its time and memory); the run stores the
widgets' state in the notebook. Each is exported with nbconvert's JupyterLab template, through
tools/html_template/, which loads every script from files copied beside the pages:

    require.js               requirejs (npm), from tools/vendor/
    embed-amd.js             @jupyter-widgets/html-manager (npm): draws widgets from their state
    anywidget.js             the installed anywidget package's nbextension/index.js (AMD)
    mathjax/tex-svg-full.js  MathJax 3 (npm), the formulas

So a page asks no CDN for anything and works from file://. The course's widgets draw in the
browser from data sent once, so their sliders and pictures move on the page; what needs Python
(typing a kernel, a new image, the learner's own function) says so in place. A widget made only
of ipywidgets controls answers from the kernel and gets a note under it. Links between
notebooks point to their HTML pages, and site/index.html lists the course.
"""

import argparse
import html
import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"
VENDOR = TOOLS / "vendor"
sys.path.insert(0, str(ROOT / "benchmarks"))

from budget import run_notebook  # noqa: E402  (one way to run a notebook in a fresh kernel)

__all__ = [
    "copy_scripts",
    "export_course",
    "export_notebook",
    "index_page",
    "kernel_only_widgets",
    "note_kernel_widgets",
    "page_html",
    "script_sources",
    "title_of",
]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
STATIC_NOTE = (
    "🎛️ <b>This page runs without Python.</b> Its widgets are drawn by your browser from what "
    "the notebook computed: the sliders, Play and the pictures move. Anything that computes "
    "something new — typing a kernel, another image, your own function, a digit you draw — "
    "needs Python: open the notebook in JupyterLab (<code>make lab</code>) or on Binder."
)
KERNEL_WIDGET_NOTE = (
    "🐍 <b>This widget answers from Python</b>: on this page it does not respond. Open the "
    "notebook in JupyterLab (<code>make lab</code>) or on Binder to use it."
)
NOTE_STYLE = 'style="border:1px dashed #888;border-radius:6px;padding:6px 12px;margin:4px 0"'
# ipywidgets controls whose changes only a kernel can answer (front-end links aside)
CONTROLS = re.compile(
    r"(Slider|Button|Buttons|Dropdown|Text|Textarea|Checkbox|Select|Play|Picker|Toggle)\w*Model$"
)
ANYWIDGET = "anywidget"
NOTEBOOK_LINK = re.compile(r'href="(\d\d[a-z]?_[\w\-]+)\.ipynb(#[^"]*)?"')  # 04b_x too
# a URL the page would load by itself (links a reader follows are fine)
ONLINE = re.compile(r"""(?:\bsrc=|\burl\(|\bimport\()\s*["']?(?:https?:)?//[^"')\s]+""")


def script_sources() -> dict[str, Path]:
    """The files every page loads, {name beside the pages: where it comes from}."""
    import anywidget

    return {
        "require.js": VENDOR / "require.js",
        "embed-amd.js": VENDOR / "embed-amd.js",
        # the widget manager's require.js asks for the module "anywidget" as ./anywidget.js
        "anywidget.js": Path(anywidget.__file__).parent / "nbextension" / "index.js",
        "mathjax/tex-svg-full.js": VENDOR / "mathjax" / "tex-svg-full.js",
    }


def copy_scripts(out_dir: Path) -> list[Path]:
    """Copy script_sources() into out_dir; return the files written."""
    written = []
    for name, source in script_sources().items():
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written


def _models_under(model_id: str, models: dict) -> list[dict]:
    """The model model_id and every model it refers to ("IPY_MODEL_<id>"), each once."""
    seen, todo, found = set(), [model_id], []
    while todo:
        current = todo.pop()
        if current in seen or current not in models:
            continue
        seen.add(current)
        found.append(models[current])
        values = list(models[current].get("state", {}).values())
        while values:  # children, layout, style ... may be nested in lists
            value = values.pop()
            if isinstance(value, list | tuple):
                values.extend(value)
            elif isinstance(value, str) and value.startswith("IPY_MODEL_"):
                todo.append(value.removeprefix("IPY_MODEL_"))
    return found


def kernel_only_widgets(nb) -> list[str]:
    """Model ids of the widget outputs that need a kernel to respond at all.

    Such a widget has ipywidgets controls (a slider, button, menu, ...) and no anywidget,
    which would draw in the browser: e.g. notebook 00's slider check.
    """
    models = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            parts = _models_under(view["model_id"], models)
            controls = any(CONTROLS.search(m.get("model_name", "")) for m in parts)
            drawn_here = any(m.get("model_module") == ANYWIDGET for m in parts)
            if controls and not drawn_here:
                found.append(view["model_id"])
    return found


def note_kernel_widgets(nb) -> int:
    """Put KERNEL_WIDGET_NOTE under every widget of kernel_only_widgets(nb); return how many."""
    ids = set(kernel_only_widgets(nb))
    count = 0
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        for i in reversed(range(len(outputs))):  # inserting after i keeps the earlier ones
            view = outputs[i].get("data", {}).get(WIDGET_VIEW)
            if view is not None and view["model_id"] in ids:
                note = f'<div class="ch-kernel-note" {NOTE_STYLE}>{KERNEL_WIDGET_NOTE}</div>'
                outputs.insert(i + 1, nbformat.v4.new_output("display_data", {"text/html": note}))
                count += 1
    return count


def title_of(nb, fallback: str) -> str:
    """The first Markdown '# ' heading of nb, else fallback."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def page_html(nb, title: str) -> str:
    """nb (run, its widget state stored) as a page that loads its scripts from beside it."""
    exporter = HTMLExporter(template_name="html_template", extra_template_basedirs=[str(TOOLS)])
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": title}, "static_note": STATIC_NOTE}
    )
    body = NOTEBOOK_LINK.sub(r'href="\1.html\2"', body)
    if found := ONLINE.findall(body):  # e.g. a new template version: the page must stay offline
        raise RuntimeError(f"the page would load from the network: {sorted(set(found))}")
    return body


def export_notebook(nb, name: str, out_dir: Path) -> tuple[Path, str]:
    """Run nb (in place: it keeps its outputs and widget state), write out_dir/<name>.html;
    return (that file, the notebook's title)."""
    run = run_notebook(nb)
    notes = note_kernel_widgets(nb)
    title = title_of(nb, name)
    target = out_dir / f"{name}.html"
    target.write_text(page_html(nb, title), encoding="utf-8")
    views = sum(
        WIDGET_VIEW in out.get("data", {}) for c in nb.cells for out in c.get("outputs", [])
    )
    usage = f"{run.seconds:.0f} s, kernel {run.peak_mb:.0f} MB"
    print(f"{target}  ({usage}, {views} widgets, {notes} of them need the kernel)", flush=True)
    return target, title


def index_page(pages: list[tuple[Path, str]]) -> str:
    """site/index.html: what the pages are, and a link to each [(page file, title), ...]."""
    items = "\n".join(f'<li><a href="{p.name}">{html.escape(title)}</a></li>' for p, title in pages)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Why convolution? — the course</title></head>\n"
        '<body style="font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5">\n'
        "<h1>Why convolution? — the course</h1>\n"
        "<p>Every notebook, run once, with its figures and its widgets. The pages need no "
        "Python: the widgets' sliders move and their pictures are drawn in your browser. Typing "
        "a kernel, another image, your own function or a digit you draw needs Python: open the "
        "notebooks in "
        "JupyterLab (<code>make lab</code>) or on Binder.</p>\n"
        f"<ul>\n{items}\n</ul>\n</body></html>\n"
    )


def export_course(books: dict, out_dir: Path, workers: int = 1) -> dict[str, str]:
    """Export the notebooks books = {name: notebook node, in course order} into out_dir as
    a site: the scripts, one page each (workers notebooks run at a time) and index.html.
    Returns {name: why its export failed} for those that failed (their pages are missing)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_scripts(out_dir)
    failed = {}

    def one(name):
        try:
            return export_notebook(books[name], name, out_dir)
        except Exception as error:  # the others are still exported; the caller reports it
            failed[name] = f"{type(error).__name__}: {error}"[-3000:]

    with ThreadPoolExecutor(max_workers=workers) as pool:  # each run is a kernel process
        pages = [page for page in pool.map(one, books) if page is not None]
    (out_dir / "index.html").write_text(index_page(pages), encoding="utf-8")
    return failed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="default: site/")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    books = {path.stem: nbformat.read(path, as_version=4) for path in paths}
    failed = export_course(books, args.out)
    print(f"{args.out / 'index.html'}: {len(books) - len(failed)} notebooks")
    if failed:
        sys.exit("\n\n".join(f"{name} failed:\n{why}" for name, why in failed.items()))


if __name__ == "__main__":
    main()
