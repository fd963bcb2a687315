"""Fixtures for the real-browser tests: one JupyterLab and one headless Chromium per session.

The tests that use the browser skip (one line saying how to enable them) when /usr/bin/chromium
or playwright is missing. Screenshots go to test-artifacts/ (gitignored). A module that needs
another server (Notebook 7) starts its own in a module-scoped fixture; the static site is
exported in the background while the other browser tests run.
"""

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for `import lab`, also outside pytest's rootdir

import lab  # noqa: E402

ARTIFACTS = lab.ROOT / "test-artifacts"


STATIC_SITE = pytest.StashKey[bool]()  # are static-site tests among those that will run?


@pytest.hookimpl(trylast=True)  # after -k/-m deselection: items are those that will run
def pytest_collection_modifyitems(config, items):
    reason = lab.browser_missing()
    config.stash[STATIC_SITE] = reason is None and any(
        item.path.name == "test_static_site.py" for item in items
    )
    if reason is None:
        return
    for item in items:  # only the tests that need the browser
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session", autouse=True)
def static_site(request, tmp_path_factory):
    """The course exported as `make html` does, into a temporary folder, for
    test_static_site.py; notebook 04 gets one more cell, EXPLORER_SETTINGS.

    The export starts in a background thread at the first browser test, one notebook at a
    time: the Lab and Notebook 7 tests leave a core idle most of the time, and the static-site
    tests then find the site (or wait for it). Yields a Future of (folder, {name: why its
    export failed}, the notebooks as run), or None when no static-site test will run.
    """
    if not request.config.stash.get(STATIC_SITE, False):
        yield None
        return
    sys.path.insert(0, str(lab.ROOT / "tools"))
    import export_html
    import nbformat
    from notebook_checks import EXPLORER_SETTINGS

    out = tmp_path_factory.mktemp("site")
    books = {}
    for name in lab.notebooks():
        nb = nbformat.read(lab.ROOT / "notebooks" / name, as_version=4)
        if name.startswith("04_"):  # not 04b: `explorer` is 04's
            nb.cells.append(nbformat.v4.new_code_cell(EXPLORER_SETTINGS))
        books[Path(name).stem] = nb
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(lambda: (out, export_html.export_course(books, out), books))


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory):
    """A running JupyterLab on a temporary copy of notebooks/: url, env, pid and root."""
    with lab.lab_server(tmp_path_factory.mktemp("jupyter-lab")) as server:
        yield server


@pytest.fixture(scope="session")
def browser(chromium):
    """Headless Chromium with its own temporary HOME and XDG directories (tests/conftest.py)."""
    return chromium


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
