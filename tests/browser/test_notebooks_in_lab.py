"""Every notebook, opened in a real JupyterLab in Chromium, runs top to bottom as a student sees it.

Run All, then: every code cell ran, no error output, no warning on stderr, no widget left at
"Loading widget..." or failing to display, no widget shown as its text repr. A screenshot of
each notebook is saved in test-artifacts/.
"""

import contextlib
import json
import re
import sys
import urllib.request
from pathlib import Path

import lab
import pytest
from playwright.sync_api import expect

# How a widget looks when the front end cannot render it: its Python repr as text.
WIDGET_REPR = re.compile(
    r"\b(?:[A-Z]\w*(?:Box|Slider|Button|Buttons|Dropdown|Text|Label|HTML|Image|Output|Play|"
    r"Checkbox|Select|Tab|Accordion))\((?:children|value|description|layout|outputs|options)="
    r"|\bOutput\(\)"
)
WIDGET_TROUBLE = ("Loading widget", "Error displaying widget")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_kernels_run_the_courses_python(jupyter_lab):
    """A kernel started by the server runs this interpreter (the project's venv)."""
    request = urllib.request.Request(
        f"{jupyter_lab.url}/api/kernels",
        data=json.dumps({"name": "python3"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        kernel = json.loads(response.read())
    try:
        import psutil

        pids = lab.kernel_pids(jupyter_lab.pid)
        assert pids, "the server started no kernel process"
        commands = [psutil.Process(pid).cmdline() for pid in pids]
        assert all(Path(cmd[0]).resolve() == Path(sys.executable).resolve() for cmd in commands), (
            f"kernels run {[c[0] for c in commands]}, expected {sys.executable}"
        )
        assert all("ipykernel_launcher" in cmd for cmd in commands)
    finally:
        request = urllib.request.Request(
            f"{jupyter_lab.url}/api/kernels/{kernel['id']}", method="DELETE"
        )
        urllib.request.urlopen(request, timeout=30).close()


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


def run_and_inspect(page, url: str, name: str, screenshot: Path) -> list[str]:
    """Open a notebook, Run All, save a screenshot; return every problem a student would see."""
    lab.open_notebook(page, url, name)
    lab.run_all(page)
    # widgets render once their models arrive: give stragglers a moment, then look
    outputs = page.locator(".jp-NotebookPanel .jp-OutputArea-output")
    loading = outputs.filter(has_text="Loading widget")
    with contextlib.suppress(AssertionError):
        expect(loading).to_have_count(0, timeout=15_000)
    lab.screenshot_notebook(page, screenshot)

    cells = lab.code_cells(page)
    assert cells, "no code cells found"
    problems = problems_in(cells) + widget_problems_in(outputs.all_inner_texts())
    views = sum(WIDGET_VIEW in o["mimes"] for c in cells for o in c["outputs"])
    shown = outputs.locator(".jupyter-widgets").count()
    if shown < views:
        problems.append(f"{views} widget outputs, but only {shown} widgets on the page")
    return problems


@pytest.mark.parametrize("name", lab.notebooks())
def test_notebook_runs_in_jupyterlab(name, page, jupyter_lab, artifacts):
    shot = artifacts / f"lab-{Path(name).stem}.png"
    assert run_and_inspect(page, jupyter_lab.url, name, shot) == []


def test_a_broken_notebook_is_caught(page, jupyter_lab, artifacts):
    """The same inspection finds an error, a warning, an unrun cell and two broken widgets."""
    missing_model = {WIDGET_VIEW: {"model_id": "nope", "version_major": 2, "version_minor": 0}}
    name = lab.write_notebook(
        jupyter_lab.root,
        "broken_probe.ipynb",
        [
            "import warnings\nwarnings.warn('careful')",
            f"from IPython.display import display\ndisplay({missing_model!r}, raw=True)",
            "print('IntSlider(value=3, min=0)')",
            "1 / 0",
            "print('never runs')",
        ],
    )
    shot = artifacts / "lab-broken-probe.png"
    problems = run_and_inspect(page, jupyter_lab.url, name, shot)
    joined = "\n".join(problems)
    assert "cell 0 printed a warning" in joined
    assert "Error displaying widget" in joined
    assert "shows a widget as text: 'IntSlider(value=3" in joined
    assert "cell 3 raised ZeroDivisionError" in joined
    assert "cell 4 did not run" in joined


def test_the_checks_catch_broken_notebooks():
    """The helpers above do find what they look for (a check that cannot fail is no check)."""
    broken = [
        {
            "index": 0,
            "execution_count": 1,
            "outputs": [
                {"type": "error", "name": None, "text": "ZeroDivisionError: x", "mimes": []}
            ],
        },
        {"index": 1, "execution_count": None, "outputs": []},
        {
            "index": 2,
            "execution_count": 3,
            "outputs": [
                {
                    "type": "stream",
                    "name": "stderr",
                    "text": "x.py:2: UserWarning: careful",
                    "mimes": [],
                }
            ],
        },
        {
            "index": 3,
            "execution_count": 4,
            "outputs": [{"type": "stream", "name": "stderr", "text": "progress 10%", "mimes": []}],
        },
    ]
    assert len(problems_in(broken)) == 3
    texts = [
        "IntSlider(value=3, description='drag me')",
        "VBox(children=(IntSlider(value=0),))",
        "Output()",
        "Loading widget...",
        "Error displaying widget: model not found",
        "The slider is at 3; 3 × 3 = 9. Widgets work ✅",
        "Output(x) = 3 and value=4",
    ]
    assert len(widget_problems_in(texts)) == 5
