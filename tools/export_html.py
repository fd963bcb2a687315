"""A static HTML copy of the course, readable without a kernel (used by `make html`).

    python tools/export_html.py [notebooks/NN_name.ipynb ...] [--out site]

Every notebook (default: all of notebooks/*.ipynb) is run top to bottom in a fresh kernel
(benchmarks/budget.py's runner, which also reports its time and memory) and exported with
nbconvert's JupyterLab template, figures included as embedded PNGs. A live widget needs a
running kernel, so in its place the page says where to use it and shows the widget as the run
left it (its pictures and text; its controls as text). Links between notebooks point to their
HTML pages, and site/index.html lists the course.
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

__all__ = ["export", "index_page", "replace_widgets", "snapshot", "title_of"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_NOTE = (
    "🎛️ <b>This is a live widget</b>: it needs a running Python kernel to move. Open the "
    "notebook in JupyterLab (<code>make lab</code>) or on Binder to use it."
)
SNAPSHOT_NOTE = " Below: how it looked when the notebook had run, with its controls as text."
BOX = 'style="border:1px dashed #888;border-radius:6px;padding:8px 12px;margin:4px 0;"'
CONTROL = (
    'style="font:12px monospace;color:#444;background:#eee;padding:1px 6px;border-radius:3px;'
    'white-space:pre-wrap;display:inline-block"'
)
NOTEBOOK_LINK = re.compile(r'href="(\d\d_[\w\-]+)\.ipynb(#[^"]*)?"')


def snapshot(model_id: str, models: dict) -> str:
    """Static HTML of a widget's last state: boxes, pictures, HTML and text; controls as text.

    models is the notebook's widget state ({model_id: {"model_name", "state", "buffers"}}).
    Parts with nothing to show (buttons, play, unknown widgets) give "".
    """
    entry = models.get(model_id)
    if entry is None:
        return ""
    name, state = entry["model_name"], entry["state"]
    if name.endswith("BoxModel"):
        children = "".join(
            snapshot(c.removeprefix("IPY_MODEL_"), models) for c in state["children"]
        )
        direction = "row" if name in ("HBoxModel", "GridBoxModel") else "column"
        flex = f"display:flex;flex-direction:{direction};flex-wrap:wrap;gap:4px 16px;"
        return f'<div style="{flex}align-items:flex-start">{children}</div>'
    if name == "ImageModel":
        data = [b["data"] for b in entry.get("buffers", []) if b["path"] == ["value"]]
        fmt = html.escape(state.get("format", "png"))
        return f'<img src="data:image/{fmt};base64,{data[0]}" alt="picture">' if data else ""
    if name in ("HTMLModel", "HTMLMathModel"):
        return f"<div>{state.get('value', '')}</div>"
    if name == "LabelModel":
        return f"<div>{html.escape(str(state.get('value', '')))}</div>"
    return _control(state)


def _control(state: dict) -> str:
    """'description: value' of a slider, menu, toggle or text box, as a small grey label."""
    if "index" in state and "_options_labels" in state:  # a menu or toggle buttons
        index = state["index"]
        value = state["_options_labels"][index] if isinstance(index, int) else index
    elif "value" in state:
        value = state["value"]
    else:
        return ""
    text = f"{state.get('description') or ''}: {value}".lstrip(": ")
    return f"<span {CONTROL}>{html.escape(text)}</span>"


def replace_widgets(nb) -> int:
    """Put a note and a static snapshot in place of every widget output; return their count.

    The widget state is then dropped, so nbconvert adds no widget scripts, and the
    widget's text repr (e.g. 'VBox(children=...)') is never shown.
    """
    models = nb.metadata.pop("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    count = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if WIDGET_VIEW in out.get("data", {}):
                picture = snapshot(out["data"][WIDGET_VIEW]["model_id"], models)
                note = WIDGET_NOTE + (SNAPSHOT_NOTE if picture else "")
                body = f'<div class="live-widget-note">{note}</div>{picture}'
                out["data"] = {"text/html": f"<div {BOX}>{body}</div>"}
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
        f"drag the sliders.</p>\n<ul>\n{items}\n</ul>\n</body></html>\n"
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
