"""The DigitPad in a real JupyterLab: Playwright draws with the mouse, the models answer.

Notebook 05 (section 12) holds the pad, `pad = ch.DigitPad({"small_cnn": model})`; should a
notebook 05 without it turn up, the test writes a small notebook of its own (a flattened model
trained in a second) into the temporary course copy. Either way it clears the pad, draws a 1,
then (after Clear) a 0, and checks that the first model's top class follows, that the grid
beside the pad is the kernel's pad.image pixel for pixel, and that without a kernel the pad
still draws and says why nothing answers.
"""

import lab
import numpy as np
import pytest
from notebook_checks import inspect
from playwright.sync_api import expect

NOTEBOOK_05 = next((n for n in lab.notebooks() if n.startswith("05")), None)
OWN_NOTEBOOK = "digit_pad_check.ipynb"
OWN_CELLS = [
    "import convhelpers as ch\n"
    "X, y = ch.load_digits()\n"
    "model = ch.train_linear(X[:8000], y[:8000], num_epochs=5)",
    'pad = ch.DigitPad({"linear": model})\npad',
]
PAD = ".jp-NotebookPanel [data-ch-widget='digit-pad'] >> nth=0"

# The grid beside the pad, read back from its canvas: one gray value per cell (28x28).
READ_GRID = """(root) => {
    const c = root.querySelector('canvas.dp-grid');
    const rgba = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    return Array.from({length: c.width * c.height}, (_, i) => rgba[4 * i]);
}"""
# The pad's own canvas: how much ink it shows.
INK_ON_PAD = """(root) => {
    const c = root.querySelector('canvas[aria-label*="draw"]');
    const rgba = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < rgba.length; i += 4) ink += rgba[i];
    return ink;
}"""
# Run code in the notebook's kernel (no cell needed) and return what it printed.
IN_KERNEL = """async (code) => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    let text = '';
    const future = kernel.requestExecute({code, store_history: false});
    future.onIOPub = (msg) => { if (msg.header.msg_type === 'stream') text += msg.content.text; };
    await future.done;
    return text;
}"""


def uses_the_pad(name: str) -> bool:
    return "ch.DigitPad(" in (lab.ROOT / "notebooks" / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pad_page(browser, jupyter_lab, artifacts, lab_runs):
    """A tab with the pad's notebook opened and run: notebook 05 if it has the pad (then what
    test_notebooks_in_lab.py checks after its Run All is recorded for it, in lab_runs)."""
    if NOTEBOOK_05 and uses_the_pad(NOTEBOOK_05):
        name = NOTEBOOK_05
    else:
        name = lab.write_notebook(jupyter_lab.root, OWN_NOTEBOOK, OWN_CELLS)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        lab.open_notebook(page, jupyter_lab.url, name)
        lab.run_all(page, timeout_ms=600_000)
        if name == NOTEBOOK_05:
            lab_runs[name] = inspect(
                page, name, artifacts / f"lab-{name.removesuffix('.ipynb')}.png"
            )
        page.locator(PAD).scroll_into_view_if_needed()
        yield page
    finally:
        context.close()
        lab.shutdown_kernels(jupyter_lab.url)


def draw(page, path) -> None:
    """Draw one stroke through path's points, given as fractions (x, y) of the pad's box."""
    box = page.locator(PAD).locator("canvas[aria-label*='draw']").bounding_box()
    points = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in path]
    page.mouse.move(*points[0])
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*point, steps=4)
    page.mouse.up()


def top_class(page) -> str:
    return page.locator(PAD).locator("[data-predicted] >> nth=0").get_attribute("data-predicted")


def wait_for_answer(page, before: str) -> str:
    """Wait until the first model's top class differs from before; return it."""
    top = page.locator(PAD).locator("[data-predicted] >> nth=0")
    expect(top).not_to_have_attribute("data-predicted", before, timeout=30_000)
    return top.get_attribute("data-predicted")


def kernel_image(page) -> np.ndarray:
    out = page.evaluate(IN_KERNEL, "print(pad.image.shape[0], pad.image.tobytes().hex())")
    side, hex_bytes = out.split()
    return np.frombuffer(bytes.fromhex(hex_bytes), np.uint8).reshape(int(side), int(side))


def grid_on_screen(page) -> np.ndarray:
    values = np.array(page.locator(PAD).evaluate(READ_GRID), np.uint8)
    side = int(np.sqrt(values.size))
    return values.reshape(side, side)


ONE = [(0.5, 0.15), (0.5, 0.85)]
ZERO = [(0.5 + 0.22 * np.sin(t), 0.5 - 0.32 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 25)]


def clear(page) -> None:
    before = top_class(page)
    page.locator(PAD).get_by_role("button", name="clear the pad").click()
    if before != "":
        assert wait_for_answer(page, before) == ""
    assert not kernel_image(page).any() and page.locator(PAD).evaluate(INK_ON_PAD) == 0


def test_drawing_a_digit_gets_it_read(pad_page, artifacts):
    page = pad_page
    pad = page.locator(PAD)
    clear(page)  # notebook 05 starts the pad with a test digit

    draw(page, ONE)
    assert wait_for_answer(page, "") == "1"
    one = kernel_image(page)
    assert one.any()
    np.testing.assert_array_equal(grid_on_screen(page), one)  # the page shows pad.image
    pad.screenshot(path=str(artifacts / "lab-digit-pad-1.png"))

    clear(page)

    draw(page, ZERO)
    assert wait_for_answer(page, "") == "0"
    zero = kernel_image(page)
    np.testing.assert_array_equal(grid_on_screen(page), zero)
    assert np.abs(zero.astype(int) - one).sum() > 255 * 50  # a different picture
    rows, cols = np.flatnonzero(zero.any(axis=1)), np.flatnonzero(zero.any(axis=0))
    assert max(len(rows), len(cols)) == 20  # preprocessed as MNIST: 20 pixels tall
    strokes = page.evaluate(IN_KERNEL, "print(len(pad.drawing), int(pad.drawing[:, 2].max()))")
    points, last_stroke = map(int, strokes.split())
    assert points >= len(ZERO) and last_stroke == 0  # one stroke since Clear
    pad.screenshot(path=str(artifacts / "lab-digit-pad-0.png"))


def test_without_a_kernel_the_pad_still_draws_and_says_so(pad_page, jupyter_lab, artifacts):
    page = pad_page
    pad = page.locator(PAD)
    note = pad.locator(".dp-no-kernel")
    expect(note).to_be_hidden()
    lab.shutdown_kernels(jupyter_lab.url)
    ink_before = pad.evaluate(INK_ON_PAD)
    draw(page, [(0.2, 0.2), (0.8, 0.3)])
    assert pad.evaluate(INK_ON_PAD) > ink_before  # drawing needs no kernel
    expect(note).to_be_visible(timeout=10_000)
    expect(note).to_contain_text("predictions need a running kernel")
    expect(pad.locator(".dp-answers")).to_have_class("ch-row dp-answers dp-stale")  # dimmed
    pad.screenshot(path=str(artifacts / "lab-digit-pad-no-kernel.png"))
