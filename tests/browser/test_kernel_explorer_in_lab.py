"""Notebook 04's KernelExplorer in a real JupyterLab: a student presses the arrow keys or drags
the step slider, also while a long cell keeps the kernel busy, and moves padding and stride and
ticks flip with the kernel paused; the pictures repaint at once and the sum shown is conv2d's
value there.
The expected values are computed here, in the test, with convhelpers.conv2d from the image,
kernel and settings the notebook's explorer reports from Python. Notebook 04 runs once, here;
what test_notebooks_in_lab.py checks after its Run All is recorded for it (lab_runs).
"""

import json
from pathlib import Path

import lab
import numpy as np
import pytest
from notebook_checks import EXPLORER_SETTINGS, explorer_feature_map, inspect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

NOTEBOOK = next((n for n in lab.notebooks() if n.startswith("04")), None)
EXPLORER = '.jp-NotebookPanel [data-ch-widget="kernel-explorer"] >> nth=0'  # `explorer`
STEP = 'input[type=range][aria-label="step"]'  # position: row * columns + col
FLIP = 'input[type=checkbox][aria-label="flip kernel"]'

WHERE = "print(explorer.row, explorer.col, explorer.position, explorer.sum_value)"
LONG_CELL = "import time\ntime.sleep(30)  # the kernel is busy; the explorer must not wait"

# What the explorer shows: the sum's cell and value, the step slider, how it looks.
READ = f"""(root) => {{
    const sum = root.querySelector('[data-ch=sum]');
    const step = root.querySelector('{STEP}');
    return {{
        row: Number(sum.dataset.row), col: Number(sum.dataset.col),
        value: Number(sum.dataset.value), text: sum.textContent,
        step: Number(step.value), steps: Number(step.max) + 1,
        look: ({lab.LOOK})(root),
    }};
}}"""
# The pictures differ from `before` (a canvas changed, not only text).
REPAINTED = f"([root, before]) => ({lab.LOOK})(root).canvases !== before"


@pytest.fixture(scope="module")
def explorer(browser, jupyter_lab, artifacts, lab_runs):
    """Notebook 04 opened and run in one tab (shared by this module's tests): the tab and
    conv2d's feature map for its first explorer's image and settings. The problems a student
    would see after Run All go to lab_runs, for test_notebooks_in_lab.py."""
    if NOTEBOOK is None:
        pytest.skip("notebook 04 is not in notebooks/ yet")
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        lab.open_notebook(page, jupyter_lab.url, NOTEBOOK)
        lab.run_all(page)
        shot = artifacts / f"lab-{Path(NOTEBOOK).stem}.png"
        lab_runs[NOTEBOOK] = inspect(page, NOTEBOOK, shot)
        feature_map = explorer_feature_map(lab.run_cell(page, EXPLORER_SETTINGS))
        page.locator(EXPLORER).scroll_into_view_if_needed()
        yield page, feature_map
    finally:
        context.close()
        lab.shutdown_kernels(jupyter_lab.url)


def shown(page) -> dict:
    return page.locator(EXPLORER).evaluate(READ)


def check_sum(state: dict, feature_map: np.ndarray) -> None:
    """The sum shown is conv2d's value at its cell, and that cell is the step's position."""
    rows, cols = feature_map.shape
    assert state["steps"] == rows * cols, "the step slider does not cover the feature map"
    assert (state["row"], state["col"]) == divmod(state["step"], cols)
    expected = float(feature_map[state["row"], state["col"]])
    assert state["value"] == pytest.approx(expected, rel=1e-9, abs=1e-9), (
        f"at {state['row'], state['col']} the explorer shows {state['value']}, conv2d gives "
        f"{expected}"
    )


def press_and_check(page, feature_map, key: str, artifacts=None, name="", slider=STEP) -> dict:
    """Press key on a slider (the step's) or the flip checkbox (Space); the pictures must
    repaint at once and the sum be right."""
    root = page.locator(EXPLORER)
    before = shown(page)
    root.locator(slider).press(key)
    try:  # no kernel is needed: the page redraws from the data it has
        page.wait_for_function(
            REPAINTED, arg=[root.element_handle(), before["look"]["canvases"]], timeout=5_000
        )
    except PlaywrightTimeout:
        pytest.fail(f"{key}: the explorer's pictures did not change (it shows {shown(page)})")
    after = shown(page)
    if artifacts is not None:
        root.screenshot(path=str(artifacts / f"lab-kernel-explorer-{name}.png"))
    check_sum(after, feature_map)
    return after


def towards_a_strong_value(state: dict, feature_map: np.ndarray) -> tuple[str, int]:
    """The arrow key and number of presses to the nearest position where |sum| > 1 (a strong
    check: most of a digit's feature map is 0)."""
    values, start = feature_map.ravel(), state["step"]
    near = sorted((k for k in range(-99, 100) if k and 0 <= start + k < values.size), key=abs)
    k = next(k for k in near if abs(values[start + k]) > 1)
    return ("ArrowRight" if k > 0 else "ArrowLeft"), abs(k)


def test_arrow_keys_step_the_explorer_and_python_follows(explorer, artifacts):
    page, feature_map = explorer
    start = shown(page)
    check_sum(start, feature_map)
    key, presses = towards_a_strong_value(start, feature_map)
    root = page.locator(EXPLORER)
    root.locator(STEP).focus()
    for i in range(presses):
        state = press_and_check(
            page, feature_map, key, artifacts if i == presses - 1 else None, "keys"
        )
    assert abs(state["step"] - start["step"]) == presses
    assert abs(state["value"]) > 1
    # the kernel's explorer got every step (state in synced traits)
    row, col, position, value = lab.run_cell(page, WHERE).split()
    assert (int(row), int(col), int(position)) == (state["row"], state["col"], state["step"])
    assert float(value) == pytest.approx(state["value"], rel=1e-9, abs=1e-9)


# The cell at index is still running: queued or executing, no execution count yet.
RUNNING = """(index) => {
    const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
    return cell.model.executionCount === null
        && cell.node.querySelector('.jp-InputPrompt').textContent.includes('[*]');
}"""


def test_the_explorer_repaints_while_the_kernel_is_busy(explorer, jupyter_lab, artifacts):
    """A long cell runs, and the kernel process is even paused (SIGSTOP): ipykernel 7 answers
    widget messages while a cell sleeps, so only a stopped kernel proves nothing waits for it."""
    page, feature_map = explorer
    index = lab.start_cell(page, LONG_CELL)
    page.wait_for_function(RUNNING, arg=index, timeout=30_000)
    try:
        with lab.paused_kernels(jupyter_lab.pid) as pids:
            assert len(pids) == 1, f"expected notebook 04's kernel alone, found {pids}"
            root = page.locator(EXPLORER)
            root.locator(STEP).focus()
            start = shown(page)
            key, presses = towards_a_strong_value(start, feature_map)
            for _ in range(presses):
                press_and_check(page, feature_map, key)
            press_and_check(page, feature_map, "End", artifacts, "busy-end")
            press_and_check(page, feature_map, "PageDown")
            press_and_check(page, feature_map, "Home")
            assert page.evaluate(RUNNING, index), "the long cell ended during the test"
    finally:
        lab.interrupt_kernels(jupyter_lab.url)


def test_dragging_the_step_slider_moves_the_kernel(explorer, artifacts):
    page, feature_map = explorer
    page.wait_for_function(f"() => ({lab.KERNEL_STATUS})() === 'idle'", timeout=30_000)
    root = page.locator(EXPLORER)
    before = shown(page)
    box = root.locator(STEP).bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.click(box["x"] + 0.25 * box["width"], y)  # the thumb jumps here
    page.mouse.down()
    page.mouse.move(box["x"] + 0.6 * box["width"], y, steps=8)
    page.mouse.up()
    page.wait_for_function(REPAINTED, arg=[root.element_handle(), before["look"]["canvases"]])
    after = shown(page)
    root.screenshot(path=str(artifacts / "lab-kernel-explorer-drag.png"))
    assert after["step"] > before["steps"] * 0.4
    check_sum(after, feature_map)


def test_padding_and_stride_repaint_while_the_kernel_is_paused(explorer, jupyter_lab, artifacts):
    """The page picks the map for each padding and stride from the stride-1 maps Python sent;
    the paused kernel gets the settings afterwards."""
    import convhelpers as ch

    page, feature_map = explorer
    page.wait_for_function(f"() => ({lab.KERNEL_STATUS})() === 'idle'", timeout=30_000)
    s = json.loads(lab.run_cell(page, EXPLORER_SETTINGS))
    assert (s["padding"], s["stride"]) == (0, 1)  # the steps below start there
    image, kernel = np.array(s["image"]), np.array(s["kernel"])
    steps = [
        ("padding", "ArrowRight", 1, 1),
        ("stride", "ArrowRight", 1, 2),
        ("padding", "End", 3, 2),
        ("stride", "End", 3, 3),
        ("stride", "Home", 3, 1),
        ("padding", "Home", 0, 1),  # back where the other tests expect it
    ]
    with lab.paused_kernels(jupyter_lab.pid) as pids:
        assert len(pids) == 1, f"expected notebook 04's kernel alone, found {pids}"
        for label, key, padding, stride in steps:
            expected = ch.conv2d(image, kernel, padding=padding, stride=stride, flip=s["flip"])
            slider = f"input[type=range][aria-label={label}]"
            name = f"padding{padding}-stride{stride}"
            state = press_and_check(page, expected, key, artifacts, name, slider=slider)
    # The kernel is back: it gets every setting the page sent. The page held back what it sent
    # while its first message went unanswered (ipywidgets' throttle) and sends it now, maybe
    # after the cell below started: ask a few times.
    where = "print(explorer.padding, explorer.stride, explorer.output_shape, explorer.position)"
    expected = f"0 1 {feature_map.shape} {state['step']}"
    for _ in range(10):
        if (printed := lab.run_cell(page, where).strip()) == expected:
            break
        page.wait_for_timeout(300)
    assert printed == expected
    row, col, position, value = lab.run_cell(page, WHERE).split()
    assert (int(row), int(col)) == (state["row"], state["col"])
    assert float(value) == pytest.approx(state["value"], rel=1e-9, abs=1e-9)


def ask_python(page, source: str, expected: str) -> str:
    """What source prints, asked up to 10 times until it is expected: after a pause the page
    sends what ipywidgets held back only once its first message is answered."""
    for _ in range(10):
        if (printed := lab.run_cell(page, source).strip()) == expected:
            break
        page.wait_for_timeout(300)
    return printed


def test_flip_repaints_while_the_kernel_is_paused(explorer, jupyter_lab, artifacts):
    """The page picks the flipped kernel's maps, sent with the others; the kernel grid shows the
    kernel rotated 180°. The paused kernel gets the setting afterwards."""
    import convhelpers as ch

    page, feature_map = explorer
    page.wait_for_function(f"() => ({lab.KERNEL_STATUS})() === 'idle'", timeout=30_000)
    s = json.loads(lab.run_cell(page, EXPLORER_SETTINGS))
    assert (s["padding"], s["stride"], s["flip"]) == (0, 1, False)
    image, kernel = np.array(s["image"]), np.array(s["kernel"])
    flipped = ch.conv2d(image, kernel, flip=True)
    assert not np.allclose(flipped, feature_map)  # (notebook 04's kernel is no symmetric one)
    root = page.locator(EXPLORER)
    press_and_check(page, feature_map, "End")  # the whole map drawn: flip changes its colours
    grids = (
        "(root) => [...root.querySelectorAll('table.ch-table')].map((t) => t.caption.textContent)"
    )
    with lab.paused_kernels(jupyter_lab.pid) as pids:
        assert len(pids) == 1, f"expected notebook 04's kernel alone, found {pids}"
        press_and_check(page, flipped, "Space", artifacts, "flip-on", slider=FLIP)
        assert root.locator(FLIP).is_checked() and "flipped kernel" in root.evaluate(grids)
        cells = root.locator("table.ch-table >> nth=1").locator("td").all_text_contents()
        assert [float(c) for c in cells] == kernel[::-1, ::-1].ravel().tolist()
        root.locator(STEP).focus()
        state = press_and_check(page, flipped, "Home")
        key, presses = towards_a_strong_value(state, flipped)
        for _ in range(presses):
            state = press_and_check(page, flipped, key)
        assert abs(state["value"]) > 1
    # The kernel is back: Python reports the flip and the sum the page shows.
    printed = ask_python(page, "print(explorer.flip, explorer.position)", f"True {state['step']}")
    assert printed == f"True {state['step']}"
    row, col, position, value = lab.run_cell(page, WHERE).split()
    assert (int(row), int(col)) == (state["row"], state["col"])
    assert float(value) == pytest.approx(state["value"], rel=1e-9, abs=1e-9)
    press_and_check(page, feature_map, "Space", slider=FLIP)  # off again, as the notebook has it
    assert ask_python(page, "print(explorer.flip)", "False") == "False"
