"""Shared test set-up: draw figures off-screen, close them after each test; one Chromium, and
one tab of it per page-test module (tests/test_*_page.py)."""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    """One headless Chromium for the whole session, shared by the page tests and tests/browser/.

    Playwright's sync API runs one instance per thread at a time, so every test that needs a
    browser takes a tab (or a context) of this one.
    """
    sys.path.insert(0, str(Path(__file__).parent / "browser"))
    import lab  # tests/browser/lab.py: Debian Chromium through Playwright

    with lab.chromium(lab.isolated_env(tmp_path_factory.mktemp("chromium-user"))) as browser:
        yield browser


@pytest.fixture(scope="module")
def widget_tab(chromium):
    """One tab of the session's Chromium for a module of page tests (tests/widget_page.py)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from widget_page import browser_page

    with browser_page(chromium) as tab:
        yield tab


@pytest.fixture
def page(widget_tab):
    """The module's tab; each test must leave no JavaScript error behind."""
    widget_tab.errors.clear()
    yield widget_tab
    assert widget_tab.errors == []
