"""Every notebook runs in Notebook 7 (`jupyter notebook`, the notebook package) in Chromium,
as in JupyterLab: no error, no warning, every widget rendered and every browser-drawn course
widget on the page with a painted canvas. A notebook with a problem is saved as a screenshot,
test-artifacts/problem-NN_name.png.
"""

import lab
import pytest
from notebook_checks import run_and_inspect


@pytest.fixture(scope="module")
def notebook7(tmp_path_factory):
    """A running `jupyter notebook` (Notebook 7) on a temporary copy of the course."""
    with lab.lab_server(tmp_path_factory.mktemp("notebook7"), app="notebook") as server:
        yield server


@pytest.fixture
def tab(browser, notebook7):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()
        lab.shutdown_kernels(notebook7.url)


@pytest.mark.parametrize("name", lab.notebooks())
def test_notebook_runs_in_notebook7(name, tab, notebook7):
    assert run_and_inspect(tab, notebook7, name) == []  # a screenshot only if something is wrong
