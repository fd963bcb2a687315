"""Fixtures for the real-browser tests: one JupyterLab and one headless Chromium per session.

The tests that use the browser skip (one line saying how to enable them) when /usr/bin/chromium
or playwright is missing. Screenshots go to test-artifacts/ (gitignored). A module that needs
another server (Notebook 7, the static site) starts its own in a module-scoped fixture.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for `import lab`, also outside pytest's rootdir

import lab  # noqa: E402

ARTIFACTS = lab.ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    reason = lab.browser_missing()
    if reason is None:
        return
    for item in items:  # only the tests that need the browser
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory):
    """A running JupyterLab on a temporary copy of notebooks/: url, env, pid and root."""
    with lab.lab_server(tmp_path_factory.mktemp("jupyter-lab")) as server:
        yield server


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Headless Chromium with its own temporary HOME and XDG directories."""
    env = lab.isolated_env(tmp_path_factory.mktemp("chromium-user"))
    with lab.chromium(env) as chromium:
        yield chromium


@pytest.fixture
def page(browser, jupyter_lab):
    """A fresh browser tab; its kernels are shut down afterwards to keep memory low."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()
        lab.shutdown_kernels(jupyter_lab.url)


@pytest.fixture(scope="session")
def lab_runs() -> dict:
    """{notebook name: the problems notebook_checks.inspect found after its Run All in Lab}.
    A module that runs a course notebook in Lab for its own tests records it here, and
    test_notebooks_in_lab.py takes that result instead of running the notebook again."""
    return {}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
