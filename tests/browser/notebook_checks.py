"""What a student would see go wrong in a notebook page, shared by the browser tests.

problems_in reads the cells' models (errors, unrun cells, warnings); widget_problems_in reads
the outputs' text (widgets left loading, failing, or shown as their Python repr);
drawn_widget_problems checks the course's browser-drawn widgets (lab.WIDGETS): each one
expected is there and has drawn something on a canvas. inspect does it all for the notebook
open in JupyterLab or Notebook 7; run_and_inspect opens and runs it first.
"""

import contextlib
import json
import re
from pathlib import Path

import lab
from playwright.sync_api import expect

__all__ = [
    "EXPECTED_WIDGETS",
    "EXPLORER_SETTINGS",
    "drawn_widget_problems",
    "drawn_widgets",
    "explorer_feature_map",
    "inspect",
    "problems_in",
    "run_and_inspect",
    "widget_problems_in",
]

# How a widget looks when the front end cannot render it: its Python repr as text.
WIDGET_REPR = re.compile(
    r"\b(?:[A-Z]\w*(?:Box|Slider|Button|Buttons|Dropdown|Text|Label|HTML|Image|Output|Play|"
    r"Checkbox|Select|Tab|Accordion|Explorer|Widget|Window|Contrast|Predictions|Maps))"
    r"\((?:children|value|description|layout|outputs|options)="
    r"|\bOutput\(\)"
)
WIDGET_TROUBLE = ("Loading widget", "Error displaying widget")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# The browser-drawn widgets each notebook shows (by its number, "04" or "04b"), at least once each.
EXPECTED_WIDGETS = {
    "01": {"digit-window", "photo-window", "brightness-contrast", "digit-pad"},
    "02": {"shuffle-explorer"},
    "03": {"shift-explorer"},
    "04": {"kernel-explorer"},
    "04b": {"learning-rate"},
    "05": {"feature-maps", "digit-pad"},
    "06": {"shift-predictions"},
    "07": {"receptive-field"},
}

# Every [data-ch-widget] element in root: its name, its canvases, and whether any canvas has a
# painted (not fully transparent) pixel.
DRAWN = """(root) => [...root.querySelectorAll('[data-ch-widget]')].map((el) => {
    const canvases = [...el.querySelectorAll('canvas')];
    const painted = canvases.some((c) => {
        if (!c.width || !c.height) { return false; }
        const ctx = c.getContext('2d');
        if (!ctx) { return true; }
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < data.length; i += 4) { if (data[i]) { return true; } }
        return false;
    });
    return {name: el.dataset.chWidget, canvases: canvases.length, painted};
})"""


# A cell that prints what notebook 04's first explorer (`explorer`) works on, as JSON.
EXPLORER_SETTINGS = """import json
print(json.dumps({"image": explorer.image.tolist(), "kernel": explorer.kernel.tolist(),
                  "padding": explorer.padding, "stride": explorer.stride,
                  "flip": bool(explorer.flip)}))"""


def explorer_feature_map(printed: str):
    """conv2d's feature map (Ho, Wo) for what EXPLORER_SETTINGS printed, computed here."""
    import numpy as np

    import convhelpers as ch

    s = json.loads(printed)
    image, kernel = np.array(s["image"]), np.array(s["kernel"])
    return ch.conv2d(image, kernel, stride=s["stride"], padding=s["padding"], flip=s["flip"])


def problems_in(cells: list[dict]) -> list[str]:
    """Errors, unrun cells and warnings in the cells' models (see lab.code_cells)."""
    found = []
    for cell in cells:
        where = f"cell {cell['index']}"
        if cell["execution_count"] is None:
            found.append(f"{where} did not run")
        for out in cell["outputs"]:
            if out["type"] == "error":
                found.append(f"{where} raised {out['text']}")
            elif out["name"] == "stderr" and re.search(r"\w*Warning\b", out["text"]):
                found.append(f"{where} printed a warning: {out['text'].strip()[:300]}")
    return found


def widget_problems_in(texts: list[str]) -> list[str]:
    """Outputs (their visible text) where a widget did not render as a widget."""
    found = []
    for i, text in enumerate(texts):
        trouble = [t for t in WIDGET_TROUBLE if t in text]
        match = WIDGET_REPR.search(text)
        if trouble:
            found.append(f"output {i}: {trouble[0]!r}")
        if match:
            found.append(f"output {i} shows a widget as text: {text[match.start() :][:80]!r}")
    return found


def drawn_widgets(page, root: str = "body") -> list[dict]:
    """The course widgets (data-ch-widget) under the element root: name, canvases, painted."""
    return page.locator(root).first.evaluate(DRAWN)


def drawn_widget_problems(widgets: list[dict], notebook: str) -> list[str]:
    """What is wrong with the drawn widgets (see drawn_widgets) of notebook "NN_name...":
    an expected widget missing, an unknown name, a widget without a painted canvas."""
    found = []
    names = {w["name"] for w in widgets}
    for name in sorted(EXPECTED_WIDGETS.get(notebook.split("_")[0], set()) - names):
        found.append(f"no {name!r} widget on the page")
    for w in widgets:
        if w["name"] not in lab.WIDGETS:
            found.append(f"unknown data-ch-widget {w['name']!r}")
        if not w["canvases"]:
            found.append(f"the {w['name']!r} widget has no canvas")
        elif not w["painted"]:
            found.append(f"the {w['name']!r} widget's canvases are blank")
    return found


def inspect(page, name: str, screenshot: Path | None = None) -> list[str]:
    """Every problem a student would see in the open notebook name, which has just run.
    Saves a screenshot of the whole notebook (screenshot=None: only when there is a problem,
    as test-artifacts/problem-<name>.png)."""
    # widgets render once their models arrive: give stragglers a moment, then look
    outputs = page.locator(".jp-NotebookPanel .jp-OutputArea-output")
    loading = outputs.filter(has_text="Loading widget")
    with contextlib.suppress(AssertionError):
        expect(loading).to_have_count(0, timeout=15_000)
    cells = lab.code_cells(page)
    assert cells, "no code cells found"
    problems = problems_in(cells) + widget_problems_in(outputs.all_inner_texts())
    views = sum(WIDGET_VIEW in o["mimes"] for c in cells for o in c["outputs"])
    # a widget output's node holds the widget's view, itself a Lumino widget
    shown = page.locator(".jp-NotebookPanel .jp-OutputArea-output > .lm-Widget").count()
    if shown < views:
        problems.append(f"{views} widget outputs, but only {shown} widgets on the page")
    problems += drawn_widget_problems(drawn_widgets(page, ".jp-NotebookPanel"), name)
    if screenshot is None and problems:
        screenshot = lab.ROOT / "test-artifacts" / f"problem-{Path(name).stem}.png"
    if screenshot is not None:
        lab.screenshot_notebook(page, screenshot)
    return problems


def run_and_inspect(page, server, name: str, screenshot: Path | None = None) -> list[str]:
    """Open a notebook (in server's app: JupyterLab or Notebook 7), Run All, and inspect it."""
    lab.open_notebook(page, server.url, name, app=server.app)
    lab.run_all(page)
    return inspect(page, name, screenshot)
