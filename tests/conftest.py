"""Shared test set-up: draw figures off-screen, close them after each test; one Chromium."""

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
