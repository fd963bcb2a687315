"""Every notebook, opened in a real JupyterLab in Chromium, runs top to bottom as a student sees it.

Run All, then: every code cell ran, no error output, no warning on stderr, no widget left at
"Loading widget..." or failing to display, no widget shown as its text repr, and every
browser-drawn course widget expected there is on the page with a painted canvas. A screenshot
of each notebook is saved in test-artifacts/.
"""

import json
import sys
import urllib.request
from pathlib import Path

import lab
import pytest
from notebook_checks import (
    WIDGET_VIEW,
    drawn_widget_problems,
    problems_in,
    run_and_inspect,
    widget_problems_in,
)


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


@pytest.mark.parametrize("name", lab.notebooks())
def test_notebook_runs_in_jupyterlab(name, page, jupyter_lab, artifacts, lab_runs):
    if name in lab_runs:  # run and inspected already, for the explorer's or the pad's tests
        problems = lab_runs[name]
    else:
        problems = run_and_inspect(
            page, jupyter_lab, name, artifacts / f"lab-{Path(name).stem}.png"
        )
    assert problems == []


# A course widget that draws nothing: its canvas stays blank.
BLANK_WIDGET = '''import anywidget
class Blank(anywidget.AnyWidget):
    _esm = """export default { render({ el }) {
        const root = document.createElement('div');
        root.dataset.chWidget = 'kernel-explorer';
        root.append(document.createElement('canvas'));
        el.append(root);
    } };"""
Blank()'''


def test_a_broken_notebook_is_caught(page, jupyter_lab, artifacts):
    """The same inspection finds an error, a warning, an unrun cell, two broken widgets and
    a blank course widget."""
    missing_model = {WIDGET_VIEW: {"model_id": "nope", "version_major": 2, "version_minor": 0}}
    name = lab.write_notebook(
        jupyter_lab.root,
        "04_broken_probe.ipynb",
        [
            "import warnings\nwarnings.warn('careful')",
            f"from IPython.display import display\ndisplay({missing_model!r}, raw=True)",
            "print('IntSlider(value=3, min=0)')",
            BLANK_WIDGET,
            "1 / 0",
            "print('never runs')",
        ],
    )
    shot = artifacts / "lab-broken-probe.png"
    problems = run_and_inspect(page, jupyter_lab, name, shot)
    joined = "\n".join(problems)
    assert "cell 0 printed a warning" in joined
    assert "Error displaying widget" in joined
    assert "shows a widget as text: 'IntSlider(value=3" in joined
    assert "the 'kernel-explorer' widget's canvases are blank" in joined
    assert "cell 4 raised ZeroDivisionError" in joined
    assert "cell 5 did not run" in joined


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
        "KernelExplorer(layout=Layout(...))",
    ]
    assert len(widget_problems_in(texts)) == 6
    drawn = [
        {"name": "digit-window", "canvases": 2, "painted": True},
        {"name": "photo-window", "canvases": 0, "painted": False},
        {"name": "brightness-contrast", "canvases": 1, "painted": False},
        {"name": "no-such-widget", "canvases": 1, "painted": True},
    ]
    assert drawn_widget_problems(drawn, "00_start_here.ipynb") == [
        "the 'photo-window' widget has no canvas",
        "the 'brightness-contrast' widget's canvases are blank",
        "unknown data-ch-widget 'no-such-widget'",
    ]
    assert drawn_widget_problems(drawn[1:3], "02_permutation.ipynb")[0] == (
        "no 'shuffle-explorer' widget on the page"
    )
    assert drawn_widget_problems([], "00_start_here.ipynb") == []
