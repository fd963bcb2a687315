"""Notebook 04's KernelExplorer in a real JupyterLab: a student drags the step slider and
presses the arrow keys; the picture and the feature map follow, and the sum shown is
conv2d's value at that position (computed here, in the test, from the displayed settings).
"""

import lab
import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import convhelpers as ch

NOTEBOOK = next((n for n in lab.notebooks() if n.startswith("04")), None)
EXPLORER = ".jp-NotebookPanel .ke-root >> nth=0"  # the notebook's first explorer

# Everything the first explorer shows that the test needs, read from the page.
READ_STATE = """(root) => {
    const q = (cls) => root.querySelector('.' + cls);
    const now = (cls) => Number(q(cls).querySelector('.noUi-handle').getAttribute('aria-valuenow'));
    const max = (cls) => Number(q(cls).querySelector('.noUi-handle').getAttribute('aria-valuemax'));
    const sum = q('ke-sum');
    const cell = sum.textContent.match(/\\[(\\d+), (\\d+)\\]/);
    return {
        position: now('ke-position'), row: now('ke-row'), col: now('ke-col'),
        cols: max('ke-col') + 1,
        padding: now('ke-padding'), stride: now('ke-stride'),
        flip: q('ke-flip').classList.contains('mod-active'),
        image: q('ke-image-choice').querySelector('select').value,
        preset: q('ke-preset').querySelector('select').value,
        kernel_text: q('ke-kernel-text').querySelector('textarea').value,
        sum_cell: cell ? [Number(cell[1]), Number(cell[2])] : null,
        sum_value: Number(sum.querySelector('.ke-sum-value').dataset.value),
        image_src: q('ke-image').getAttribute('src'),
        map_src: q('ke-featuremap').getAttribute('src'),
    };
}"""

# Settled: the kernel answered the last move (sum and pictures belong to the readouts).
SETTLED = (
    "([root, before]) => { const s = ("
    + READ_STATE
    + """)(root);
    return s.sum_cell && s.sum_cell[0] === s.row && s.sum_cell[1] === s.col
        && s.position === s.row * s.cols + s.col && s.position !== before.position
        && s.image_src !== before.image_src && s.map_src !== before.map_src;
}"""
)

# The explorer's image menu, in public convhelpers terms.
IMAGES = {
    "MNIST digit": lambda: ch.load_digits()[0][0].astype(float),  # digit #0
    "4×4 example (2×2 kernel)": lambda: ch.EXAMPLE_IMAGE,
    "photo crop (32×32)": lambda: ch.photo_crop(32),
}


def expected_map(state: dict) -> tuple[np.ndarray, float]:
    """conv2d's feature map (Ho, Wo) for the shown image and settings, and a tolerance."""
    assert state["image"] in IMAGES, f"the first explorer shows {state['image']!r}: teach the test"
    image = IMAGES[state["image"]]()
    if state["preset"] in ch.KERNELS:
        kernel, atol = ch.KERNELS[state["preset"]], 1e-9
    elif state["preset"] == "2×2 example":
        kernel, atol = ch.EXAMPLE_KERNEL, 1e-9
    else:  # typed in: the text shows 4 significant digits, each off by at most 0.005 %
        kernel = ch.parse_kernel(state["kernel_text"])
        atol = 1e-4 * float(np.abs(image).max() * np.abs(kernel).sum()) + 1e-9
    feature_map = ch.conv2d(
        image, kernel, stride=state["stride"], padding=state["padding"], flip=state["flip"]
    )
    return feature_map, atol


def pictures(page) -> tuple[bytes, bytes]:
    """What the image and the feature map look like on screen (PNG screenshots)."""
    root = page.locator(EXPLORER)
    return root.locator(".ke-image").screenshot(), root.locator(".ke-featuremap").screenshot()


@pytest.fixture(scope="module")
def explorer(browser, jupyter_lab):
    """Notebook 04 opened and run in one tab, shared by this module's tests."""
    if NOTEBOOK is None:
        pytest.skip("notebook 04 is not in notebooks/ yet")
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        lab.open_notebook(page, jupyter_lab.url, NOTEBOOK)
        lab.run_all(page)
        page.locator(EXPLORER).scroll_into_view_if_needed()
        yield page
    finally:
        context.close()
        lab.shutdown_kernels(jupyter_lab.url)


def move_and_check(page, move, artifacts, name) -> dict:
    """Do move(handle); wait for the kernel's answer; check pictures and sum; return the state."""
    root = page.locator(EXPLORER)
    handle = root.locator(".ke-position .noUi-handle")
    before = root.evaluate(READ_STATE)
    shots = pictures(page)
    move(handle, before)
    try:
        page.wait_for_function(SETTLED, arg=[root.element_handle(), before], timeout=30_000)
    except PlaywrightTimeout:
        pytest.fail(f"the explorer did not settle after the move: {root.evaluate(READ_STATE)}")
    after = root.evaluate(READ_STATE)
    root.screenshot(path=str(artifacts / f"lab-kernel-explorer-{name}.png"))
    image_shot, map_shot = pictures(page)
    assert image_shot != shots[0], "the image (patch outline) did not change on screen"
    assert map_shot != shots[1], "the feature map did not change on screen"
    feature_map, atol = expected_map(after)
    expected = float(feature_map[after["row"], after["col"]])
    assert after["sum_value"] == pytest.approx(expected, abs=atol), (
        f"at {after['row'], after['col']} the explorer shows {after['sum_value']}, "
        f"conv2d gives {expected}"
    )
    return {"before": before, "after": after}


def test_dragging_the_step_slider_moves_the_kernel(explorer, artifacts):
    def drag(handle, before):
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        explorer.mouse.move(x, y)
        explorer.mouse.down()
        explorer.mouse.move(x + 25, y, steps=8)
        explorer.mouse.up()

    moved = move_and_check(explorer, drag, artifacts, "drag")
    assert moved["after"]["position"] > moved["before"]["position"]


def test_arrow_keys_move_the_kernel_one_step_each(explorer, artifacts):
    """Step to the nearest position with a clearly non-zero sum (a strong check)."""
    steps = []

    def keys(handle, before):
        values = expected_map(before)[0].ravel()
        start = before["position"]
        near = sorted((k for k in range(-99, 100) if k and 0 <= start + k < values.size), key=abs)
        steps.append(next(k for k in near if abs(values[start + k]) > 1))
        there, back = ("ArrowRight", "ArrowLeft") if steps[0] > 0 else ("ArrowLeft", "ArrowRight")
        handle.focus()
        for key in [there] * abs(steps[0]) + [back, there]:
            handle.press(key)

    moved = move_and_check(explorer, keys, artifacts, "keys")
    assert moved["after"]["position"] == moved["before"]["position"] + steps[0]
    assert abs(moved["after"]["sum_value"]) > 1
