"""A static HTML copy of the course, readable without a kernel (used by `make html`).

    python tools/export_html.py [notebooks/NN_name.ipynb ...] [--out site]

Every notebook (default: all of notebooks/*.ipynb) is run top to bottom in a fresh kernel
(benchmarks/budget.py's runner, which also reports its time and memory) and exported with
nbconvert's JupyterLab template, figures included as embedded PNGs. A live widget needs a
running kernel, so in its place the page shows a short note saying where to use it. Links
between notebooks point to their HTML pages, and site/index.html lists the course.
"""

import argparse
import html
import re
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from budget import run_notebook  # noqa: E402  (one way to run a notebook in a fresh kernel)

__all__ = ["export", "replace_widgets"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = (
    '<div class="live-widget-note" style="border:1px dashed #888;border-radius:6px;'
    'padding:8px 12px;margin:4px 0;background:#f4f6f8;color:#222;font-size:14px">'
    "🎛️ <b>This is a live widget</b> (sliders and pictures that follow them): it needs a "
    "running Python kernel. Open the notebook in JupyterLab (<code>make lab</code>) or on "
    "Binder to use it.</div>"
)
NOTEBOOK_LINK = re.compile(r'href="(\d\d_[\w\-]+)\.ipynb(#[^"]*)?"')


def replace_widgets(nb) -> int:
    """Put WIDGET_NOTE in place of every widget output and drop the widget state; return count.

    Without the state nbconvert adds no widget scripts, and the widget's text repr
    (e.g. 'VBox(children=...)') is never shown.
    """
    nb.metadata.pop("widgets", None)
    count = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if WIDGET_VIEW in out.get("data", {}):
                out["data"] = {"text/html": WIDGET_NOTE}
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


def export(path: Path, out_dir: Path) -> tuple[Path, str]:
    """Run one notebook, write out_dir/<name>.html; return (that file, the notebook's title)."""
    nb = nbformat.read(path, as_version=4)
    run = run_notebook(nb)
    widgets = replace_widgets(nb)
    title = title_of(nb, path.stem)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(
        nb, resources={"metadata": {"name": title}}
    )
    body = NOTEBOOK_LINK.sub(r'href="\1.html\2"', body)
    target = out_dir / f"{path.stem}.html"
    target.write_text(body, encoding="utf-8")
    usage = f"{run.seconds:.0f} s, kernel {run.peak_mb:.0f} MB"
    print(f"{target}  ({usage}, {widgets} live widgets noted)")
    return target, title


def index_page(pages: list[tuple[Path, str]]) -> str:
    items = "\n".join(f'<li><a href="{p.name}">{html.escape(title)}</a></li>' for p, title in pages)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Why convolution? — the course, read-only</title></head>\n"
        '<body style="font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5">\n'
        "<h1>Why convolution? — the course, read-only</h1>\n"
        "<p>Every notebook, run once, with its figures. The live widgets need a running "
        "kernel: open the notebooks in JupyterLab (<code>make lab</code>) or on Binder to "
        f"drag the sliders.</p>\n<ol>\n{items}\n</ol>\n</body></html>\n"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="default: site/")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    args.out.mkdir(parents=True, exist_ok=True)
    pages = [export(path, args.out) for path in paths]
    (args.out / "index.html").write_text(index_page(pages), encoding="utf-8")
    print(f"{args.out / 'index.html'}: {len(pages)} notebooks")


if __name__ == "__main__":
    main()
