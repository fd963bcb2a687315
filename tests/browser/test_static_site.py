"""make html's static site, opened from file:// in Chromium with every network request refused.

The course is exported once (tools/export_html.py, as `make html` does) into a temporary
folder, in the background while the other browser tests run (conftest.py's static_site).
Each page must render every widget from its stored state with no kernel and no request
leaving the machine; notebook 04's KernelExplorer steps and shows conv2d's sum at each
position, computed here from the image and settings its explorer reported in the run.
"""

import sys
from pathlib import Path
from types import SimpleNamespace

import lab
import nbformat
import pytest
from notebook_checks import (
    drawn_widget_problems,
    drawn_widgets,
    explorer_feature_map,
    widget_problems_in,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout

sys.path.insert(0, str(lab.ROOT / "tools"))

import export_html  # noqa: E402

EXPLORER = '[data-ch-widget="kernel-explorer"] >> nth=0'  # notebook 04's `explorer`
STEP = 'input[type=range][aria-label="step"]'
VIEWS = 'script[type="application/vnd.jupyter.widget-view+json"]'
# Model ids of the widget views the widget manager has not drawn (yet), or drawn as its error
# widget (a widget whose code did not load).
UNRENDERED = f"""() => [...document.querySelectorAll('{VIEWS}')]
    .filter((v) => {{
        const area = v.previousElementSibling;
        return !(area && area.classList.contains('widget-subarea') && area.children.length)
            || area.querySelector('.jupyter-widgets-error-widget');
    }})
    .map((v) => JSON.parse(v.textContent).model_id)"""


@pytest.fixture(scope="module")
def site(static_site):
    """The exported site (conftest's static_site): its folder, {stem: why the export failed},
    and conv2d's feature map for notebook 04's first explorer."""
    out, failed, books = static_site.result()
    four = next((stem for stem in books if stem.startswith("04")), None)
    feature_map = None
    if four is not None and four not in failed:
        feature_map = explorer_feature_map(books[four].cells[-1].outputs[0]["text"])
    return SimpleNamespace(out=out, failed=failed, feature_map=feature_map)


class Offline:
    """A browser tab that refuses every request not for a file:// URL and records them,
    with the page's console errors and uncaught exceptions."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.attempted, self.errors = [], []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.attempted.append(route.request.url)
            route.abort()

    def open(self, path: Path, timeout_ms: int = 30_000) -> list[str]:
        """Open the page; wait until the widget manager has drawn every widget (at most
        timeout_ms); return the model ids of widgets it did not draw."""
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        try:
            self.page.wait_for_function(f"() => !({UNRENDERED})().length", timeout=timeout_ms)
        except PlaywrightTimeout:
            pass
        return self.page.evaluate(UNRENDERED)


@pytest.fixture
def offline(browser):
    tab = Offline(browser)
    try:
        yield tab
    finally:
        tab.context.close()


def page_for(site, stem: str) -> Path:
    """The exported page of the notebook stem; the test fails if its export failed."""
    assert stem not in site.failed, f"make html could not export {stem}: {site.failed[stem]}"
    return site.out / f"{stem}.html"


def test_the_explorer_steps_on_the_static_page_with_no_kernel_and_no_network(site, offline):
    four = next((Path(n).stem for n in lab.notebooks() if n.startswith("04")), None)
    if four is None:
        pytest.skip("notebook 04 is not in notebooks/ yet")
    assert offline.open(page_for(site, four)) == []
    feature_map = site.feature_map
    root = offline.page.locator(EXPLORER)
    rows, cols = feature_map.shape
    read = f"""(root) => {{
        const sum = root.querySelector('[data-ch=sum]');
        return {{row: Number(sum.dataset.row), col: Number(sum.dataset.col),
                value: Number(sum.dataset.value), step: Number(root.querySelector('{STEP}').value),
                look: ({lab.LOOK})(root).canvases}};
    }}"""
    slider = root.locator(STEP)
    slider.focus()
    slider.press("Home")
    values = feature_map.ravel()
    strong = next(k for k in range(values.size) if abs(values[k]) > 1)  # a strong check
    seen = []
    for key in ["ArrowRight"] * min(strong, 60) + ["End", "PageDown", "ArrowLeft"]:
        before = root.evaluate(read)
        slider.press(key)
        offline.page.wait_for_function(
            f"([root, look]) => ({lab.LOOK})(root).canvases !== look",
            arg=[root.element_handle(), before["look"]],
            timeout=5_000,
        )
        state = root.evaluate(read)
        moved = {"ArrowRight": before["step"] + 1, "ArrowLeft": before["step"] - 1}
        if key in moved:
            assert state["step"] == moved[key], key
        else:  # End: the last cell; PageDown: back by a tenth or so
            assert (
                state["step"] == rows * cols - 1 if key == "End" else state["step"] < before["step"]
            )
        assert (state["row"], state["col"]) == divmod(state["step"], cols)
        expected = float(feature_map[state["row"], state["col"]])
        assert state["value"] == pytest.approx(expected, rel=1e-9, abs=1e-9), (
            f"{key}: at {state['row'], state['col']} the page shows {state['value']}, "
            f"conv2d gives {expected}"
        )
        seen.append(state["value"])
    assert any(abs(v) > 1 for v in seen), "every sum checked was about 0: a weak check"
    assert offline.attempted == [], f"the page asked the network for {offline.attempted}"
    assert offline.errors == []


@pytest.mark.parametrize("name", lab.notebooks())
def test_every_page_draws_its_widgets_offline(name, site, offline, artifacts):
    stem = Path(name).stem
    unrendered = offline.open(page_for(site, stem))
    offline.page.screenshot(path=str(artifacts / f"site-{stem}.png"), full_page=True)
    outputs = offline.page.locator(".jp-OutputArea-output").all_inner_texts()
    problems = [f"widget {m} not drawn" for m in unrendered]
    problems += widget_problems_in(outputs)  # "Loading widget", errors, a widget as text
    problems += drawn_widget_problems(drawn_widgets(offline.page), name)
    problems += [f"network request: {url}" for url in offline.attempted]
    problems += [f"console: {e}" for e in offline.errors]
    assert problems == []
    assert "This page runs without Python" in offline.page.locator("body").inner_text()
    if "$" in (lab.ROOT / "notebooks" / name).read_text():  # formulas typeset by MathJax
        offline.page.locator("mjx-container").first.wait_for(timeout=10_000)


def test_a_widget_whose_code_is_missing_is_caught_and_stays_offline(tmp_path, offline):
    """A page with a widget from a module the site does not have: the widget manager's
    fallback would fetch it from a CDN; here it must fail on the page, visibly, instead."""
    export_html.copy_scripts(tmp_path)
    nb = nbformat.v4.new_notebook()
    view = {"model_id": "w1", "version_major": 2, "version_minor": 0}
    nb.cells = [
        nbformat.v4.new_code_cell(
            outputs=[nbformat.v4.new_output("display_data", {export_html.WIDGET_VIEW: view})]
        )
    ]
    model = {
        "model_name": "ThingModel",
        "model_module": "no-such-widgets",
        "model_module_version": "^1.0.0",
        "state": {"_view_name": "ThingView", "_view_module": "no-such-widgets"},
    }
    state = {"version_major": 2, "version_minor": 0, "state": {"w1": model}}
    nb.metadata["widgets"] = {export_html.WIDGET_STATE: state}
    page = tmp_path / "probe.html"
    page.write_text(export_html.page_html(nb, "probe"), encoding="utf-8")
    assert offline.open(page, timeout_ms=5_000) == ["w1"]
    assert offline.attempted == []
