"""The KernelExplorer's page (explorer.js) in headless Chromium, with no kernel: what it draws
from the data Python sent, how it steps and changes padding, stride and flip by itself, and what
it says when Python is needed.

Python answers only when a test calls widget_page.deliver (as a kernel would)."""

import numpy as np
import pytest
from widget_page import deliver, missing, show

import convhelpers as ch

pytestmark = pytest.mark.skipif(missing() is not None, reason=str(missing()))

DIGIT = ch.load_digits()[0][0].astype(float)
SOBEL_X = ch.KERNELS["sobel x"]
ROOT = '[data-ch-widget="kernel-explorer"]'
ORANGE = (230, 97, 0)  # the patch outline, #E66100
NOT_YET = (170, 170, 170)
NO_VALUE = (40, 40, 40)

# What the page shows, read the way a browser test or a student would see it.
READ = """() => {
    const root = document.querySelector('[data-ch-widget="kernel-explorer"]');
    const sum = root.querySelector('[data-ch="sum"]');
    const grids = [...root.querySelectorAll('table.ch-table')].map((t) => ({
        title: t.caption.textContent,
        cells: [...t.querySelectorAll('td')].map((c) => c.textContent),
    }));
    const pixels = (label) => {
        const c = root.querySelector(`canvas[aria-label^="${label}"]`);
        return {width: c.width, height: c.height, css: c.style.width,
                rgba: Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)};
    };
    return {
        value: Number(sum.dataset.value), row: Number(sum.dataset.row),
        col: Number(sum.dataset.col), sum: sum.textContent, text: root.textContent, grids,
        map: pixels('feature map'),
        outline: (() => {  // the image's overlay: where it is orange
            const o = root.querySelector('.ch-overlay');
            const d = o.getContext('2d').getImageData(0, 0, o.width, o.height).data;
            const rows = [], cols = [];
            for (let k = 0; k < d.length; k += 4) {
                if (d[k] === 230 && d[k + 1] === 97 && d[k + 2] === 0 && d[k + 3] === 255) {
                    rows.push(Math.floor(k / 4 / o.width)); cols.push((k / 4) % o.width);
                }
            }
            return {rows: [Math.min(...rows), Math.max(...rows)],
                    cols: [Math.min(...cols), Math.max(...cols)]};
        })(),
        pending: [...root.querySelectorAll('[role=status]')].filter((n) => !n.hidden)
            .map((n) => n.textContent).join(' '),
        playing: root.querySelector('button[aria-label=play]').getAttribute('aria-pressed'),
    };
}"""


def read(page) -> dict:
    state = page.evaluate(READ)
    m = state["map"]
    state["map"] = np.array(m["rgba"], dtype=np.uint8).reshape(m["height"], m["width"], 4)[..., :3]
    state["map_css_width"] = m["css"]
    return state


def map_colours(values) -> np.ndarray:
    """The colours the page should give the feature map (Ho, Wo) -> (Ho, Wo, 3)."""
    m = np.abs(values[np.isfinite(values)]).max()
    return ch.colorize(np.nan_to_num(values), -m, m, "RdBu_r")


def test_the_page_keeps_the_dom_contract(page, tmp_path):
    ke = ch.KernelExplorer()
    show(page, ke, tmp_path)
    root = page.locator(ROOT)
    assert root.count() == 1
    labels = root.locator("input[type=range]").evaluate_all(
        "(inputs) => inputs.map((i) => i.getAttribute('aria-label'))"
    )
    assert sorted(labels) == sorted(["step", "row i", "column j", "padding", "stride"])
    assert root.locator("canvas").count() >= 4  # image, feature map and their overlays
    for control in ["select", "textarea", "button", "input[type=checkbox]"]:
        for label in root.locator(control).evaluate_all(
            "(nodes) => nodes.map((n) => n.getAttribute('aria-label'))"
        ):
            assert label, f"a {control} without an aria-label"


@pytest.mark.parametrize(
    "settings, i, j",
    [({}, 9, 12), ({}, 0, 0), ({"padding": 1, "stride": 2, "flip": True}, 6, 0)],
)
def test_the_sum_is_conv2d_at_the_position_shown(page, tmp_path, settings, i, j):
    ke = ch.KernelExplorer(**settings)
    ke.row, ke.col = i, j
    show(page, ke, tmp_path)
    shown = read(page)
    expected = ch.conv2d(DIGIT, ch.KERNELS["sobel x"], **settings)[i, j]
    assert (shown["row"], shown["col"]) == (i, j) and shown["value"] == expected
    assert f"feature map[{i}, {j}]" in shown["sum"]
    patch, kernel, products = shown["grids"]
    assert [float(c) for c in patch["cells"]] == ke.patch.ravel().tolist()
    assert [float(c) for c in products["cells"]] == pytest.approx(ke.products.ravel().tolist())
    assert "-0" not in products["cells"]
    used = ch.KERNELS["sobel x"][::-1, ::-1] if settings.get("flip") else ch.KERNELS["sobel x"]
    assert [float(c) for c in kernel["cells"]] == used.ravel().tolist()
    assert kernel["title"] == ("flipped kernel" if settings.get("flip") else "kernel")


def test_keys_step_the_page_without_python_and_python_follows(page, tmp_path):
    ke = ch.KernelExplorer()
    ke.row, ke.col = 9, 12
    show(page, ke, tmp_path)
    step = page.locator(f"{ROOT} input[aria-label=step]")
    step.focus()
    step.press("ArrowRight")  # no Python answers
    assert (read(page)["row"], read(page)["col"]) == (9, 13)
    assert read(page)["value"] == ke.reference_map[9, 13]
    step.press("End")
    assert (read(page)["row"], read(page)["col"], read(page)["value"]) == (
        25,
        25,
        ke.reference_map[25, 25],
    )
    page.locator(f"{ROOT} input[aria-label='row i']").press("PageDown")  # 10% of 26 rows: 3
    assert (read(page)["row"], read(page)["col"]) == (22, 25)
    sent = deliver(page, ke)  # now "the kernel" reads what the page sent
    assert sent[-1] == {"position": 22 * 26 + 25, "row": 22, "col": 25}
    assert (ke.row, ke.col) == (22, 25) and ke.sum_value == read(page)["value"]


def test_the_feature_map_fills_in_up_to_the_current_cell(page, tmp_path):
    ke = ch.KernelExplorer()
    ke.row, ke.col = 10, 12
    show(page, ke, tmp_path)
    shown, colours = read(page)["map"], map_colours(ke.reference_map)
    assert shown.shape == (26, 26, 3)
    for i, j in [(0, 0), (9, 25), (10, 11), (5, 17), (10, 12)]:  # reached
        np.testing.assert_array_equal(shown[i, j], colours[i, j])
    for i, j in [(10, 13), (11, 0), (25, 25)]:  # not yet
        np.testing.assert_array_equal(shown[i, j], NOT_YET)


def test_the_patch_is_outlined_just_outside_its_pixels(page, tmp_path):
    ke = ch.KernelExplorer()
    ke.row, ke.col = 4, 7
    show(page, ke, tmp_path)
    outline, s, margin = read(page)["outline"], 256 // 28, 4  # 9 screen px per pixel
    assert outline["rows"] == [margin + 4 * s - 3, margin + 7 * s + 2]  # 3 px wide, outside
    assert outline["cols"] == [margin + 7 * s - 3, margin + 10 * s + 2]


def test_padding_and_stride_show_in_the_titles_and_the_formula(page, tmp_path):
    ke = ch.KernelExplorer(padding=1, stride=2, flip=True)
    show(page, ke, tmp_path)
    text = read(page)["text"]
    assert "(28, 28): MNIST digit #0 (a 3), padded to (30, 30)" in text
    assert "feature map (14, 14)" in text and "rotated 180°" in text
    assert "rows: (28 + 2·1 − 3) // 2 + 1 = 14" in text
    assert "edge of the image; outside: zero padding" in text
    assert read(page)["map_css_width"] == f"{14 * 2 * (256 // 30)}px"  # a cell per stride


def test_the_example_writes_the_sum_out_term_by_term(page, tmp_path):
    ke = ch.KernelExplorer("example")
    ke.position = 1
    show(page, ke, tmp_path)
    shown = read(page)
    assert "2×(-1) + 8×1 + 1×(-1) + 9×1 = 14" in shown["sum"] and shown["value"] == 14


def test_a_learners_map_is_drawn_and_its_wrong_values_named(page, tmp_path):
    ke = ch.KernelExplorer(conv_fn=lambda im, k: ch.conv2d_naive(im, k[::-1, ::-1])[:20, :20])
    ke.row, ke.col = 9, 12
    show(page, ke, tmp_path)
    shown = read(page)
    assert shown["value"] == ke.reference_map[9, 12]  # the true sum
    assert f"your conv_fn gave {ke.feature_map[9, 12]:.6g} here" in shown["sum"]
    np.testing.assert_array_equal(shown["map"][9, 5], map_colours(ke.feature_map)[9, 5])
    assert "no value from your function" in shown["text"] and "❌" in shown["text"]
    ke.row, ke.col = 22, 0
    show(page, ke, tmp_path)
    shown = read(page)
    assert "gave no value for this cell" in shown["sum"]
    np.testing.assert_array_equal(shown["map"][21, 3], NO_VALUE)


def test_without_an_answer_the_page_says_python_is_needed_then_redraws(page, tmp_path):
    ke = ch.KernelExplorer()
    show(page, ke, tmp_path)
    page.locator(f"{ROOT} textarea").fill("1 -1\n1 -1")
    page.wait_for_function(
        f"document.querySelector('{ROOT}').textContent.includes('No answer from Python')",
        timeout=5_000,
    )
    assert (
        "Stepping, Play, hovering, padding, stride and flip work without it"
        in (read(page)["pending"])
    )
    assert "feature map (26, 26)" in read(page)["text"]  # still the data it has
    deliver(page, ke)  # the kernel is back: Python parses the kernel and sends the new map
    shown = read(page)
    assert shown["pending"] == "" and "feature map (27, 27)" in shown["text"]
    assert shown["grids"][1]["cells"] == ["1", "-1", "1", "-1"]
    assert shown["value"] == ke.reference_map[ke.row, ke.col]


def test_a_refused_setting_goes_back_in_the_page(page, tmp_path):
    ke = ch.KernelExplorer("example")
    ke.kernel_text = "\n".join(["1 1 1 1 1"] * 5)
    ke.padding = 1
    show(page, ke, tmp_path)
    padding = page.locator(f"{ROOT} input[aria-label=padding]")
    padding.focus()
    padding.press("Home")  # padding 0: the 5x5 kernel would not fit; refused in the page
    assert padding.input_value() == "1" and "padding set back to 1" in read(page)["text"]
    assert "a 5×5 kernel does not fit the 4×4 image with padding 0" in read(page)["text"]
    assert deliver(page, ke) == [] and ke.padding == 1  # nothing was sent
    padding.press("ArrowRight")  # padding 2 fits: the message goes, the map (4, 4) is drawn
    shown = read(page)
    assert "set back" not in shown["text"] and "feature map (4, 4)" in shown["text"]
    assert shown["value"] == ch.conv2d(ch.EXAMPLE_IMAGE, np.ones((5, 5)), padding=2)[0, 0]


def press(page, label: str, key: str) -> dict:
    """Press key on the slider labelled label; no Python answers. What the page shows then."""
    page.locator(f"{ROOT} input[aria-label='{label}']").press(key)
    return read(page)


def test_padding_and_stride_redraw_in_the_page_and_python_follows(page, tmp_path):
    ke = ch.KernelExplorer()
    ke.row, ke.col = 9, 12
    show(page, ke, tmp_path)
    shown = press(page, "padding", "ArrowRight")  # padding 1: (28, 28), the cell stays
    expected = ch.conv2d(DIGIT, SOBEL_X, padding=1)
    assert "feature map (28, 28)" in shown["text"] and "padded to (30, 30)" in shown["text"]
    assert (shown["row"], shown["col"]) == (9, 12) and shown["value"] == expected[9, 12]
    np.testing.assert_array_equal(shown["map"][:9], map_colours(expected)[:9])  # rows reached
    shown = press(page, "stride", "End")  # stride 3: (10, 10), the cell clamped to (9, 9)
    expected = ch.conv2d(DIGIT, SOBEL_X, padding=1, stride=3)
    assert expected.shape == (10, 10) and "feature map (10, 10)" in shown["text"]
    assert "rows: (28 + 2·1 − 3) // 3 + 1 = 10" in shown["text"]
    assert (shown["row"], shown["col"]) == (9, 9) and shown["value"] == expected[9, 9]
    padded = np.pad(DIGIT, 1)
    assert [float(c) for c in shown["grids"][0]["cells"]] == padded[27:30, 27:30].ravel().tolist()
    assert shown["map"].shape == (10, 10, 3)
    page.wait_for_timeout(1_700)  # longer than the page waits before saying Python is needed
    assert read(page)["pending"] == ""
    sent = deliver(page, ke)  # Python gets the settings and the cell the page moved to
    assert sent == [
        {"padding": 1, "row": 9, "col": 12, "position": 9 * 28 + 12},
        {"stride": 3, "row": 9, "col": 9, "position": 99},
    ]
    assert (ke.padding, ke.stride, ke.row, ke.col) == (1, 3, 9, 9)
    assert ke.sum_value == read(page)["value"] and ke.output_shape == (10, 10)


@pytest.mark.parametrize("image, kernel", [("digit", "sobel x"), ("photo", "laplacian")])
def test_every_padding_and_stride_the_page_shows_is_conv2d(page, tmp_path, image, kernel):
    ke = ch.KernelExplorer(image, kernel)
    ke.row, ke.col = 7, 5
    show(page, ke, tmp_path)
    keys = [
        ("stride", "ArrowRight"),
        ("padding", "End"),
        ("stride", "ArrowRight"),
        ("padding", "Home"),
        ("stride", "Home"),
        ("padding", "ArrowRight"),
    ]
    for label, key in keys:
        shown = press(page, label, key)
        deliver(page, ke)  # only to read back the padding and stride shown
        expected = ch.conv2d(ke.image, ke.kernel, padding=ke.padding, stride=ke.stride)
        assert f"feature map {expected.shape}" in shown["text"], (label, key)
        assert shown["value"] == expected[shown["row"], shown["col"]], (label, key)
        np.testing.assert_array_equal(shown["map"][0], map_colours(expected)[0])


def click_flip(page) -> dict:
    """Tick or untick the flip checkbox; no Python answers. What the page shows then."""
    page.locator(f"{ROOT} input[type=checkbox][aria-label='flip kernel']").click()
    return read(page)


@pytest.mark.parametrize("padding, stride", [(0, 1), (1, 2), (3, 3)])
def test_flip_redraws_in_the_page_and_python_follows(page, tmp_path, padding, stride):
    ke = ch.KernelExplorer(padding=padding, stride=stride)
    expected = ch.conv2d(DIGIT, SOBEL_X, padding=padding, stride=stride, flip=True)
    plain = ch.conv2d(DIGIT, SOBEL_X, padding=padding, stride=stride)
    i, j = np.unravel_index(np.abs(expected).argmax(), expected.shape)  # on a stroke's edge
    ke.row, ke.col = i, j
    show(page, ke, tmp_path)
    shown = click_flip(page)  # flip on: the other maps, the kernel rotated 180°
    assert (shown["row"], shown["col"]) == (i, j) and shown["value"] == expected[i, j]
    assert expected[i, j] != plain[i, j]
    assert f"feature map {expected.shape}" in shown["text"] and "rotated 180°" in shown["text"]
    patch, kernel, products = shown["grids"]
    assert kernel["title"] == "flipped kernel"
    assert [float(c) for c in kernel["cells"]] == SOBEL_X[::-1, ::-1].ravel().tolist()
    assert [float(c) for c in products["cells"]] == pytest.approx(
        (np.array([float(c) for c in patch["cells"]]) * SOBEL_X[::-1, ::-1].ravel()).tolist()
    )
    np.testing.assert_array_equal(shown["map"][:i], map_colours(expected)[:i])  # rows reached
    page.wait_for_timeout(1_700)  # longer than the page waits before saying Python is needed
    shown = read(page)
    assert shown["pending"] == "" and "No answer" not in shown["text"]
    assert deliver(page, ke) == [{"flip": True}]  # Python gets the setting
    assert ke.flip and ke.sum_value == shown["value"] and ke.output_shape == expected.shape
    shown = click_flip(page)  # and off again
    assert shown["value"] == plain[i, j] and shown["grids"][1]["title"] == "kernel"
    assert [float(c) for c in shown["grids"][1]["cells"]] == SOBEL_X.ravel().tolist()
    assert "rotated 180°" not in shown["text"]
    assert deliver(page, ke) == [{"flip": False}] and not ke.flip


def test_flip_from_python_redraws_the_page(page, tmp_path):
    ke = ch.KernelExplorer()
    ke.row, ke.col = 9, 12
    show(page, ke, tmp_path)
    before = ke.get_state()
    ke.flip = True  # as a notebook cell would
    changed = {k: v for k, v in ke.get_state().items() if before[k] != v}
    assert set(changed) == {"flip", "answered"}  # what Python sends the page: no maps
    page.evaluate("(changes) => window.fromPython(changes)", changed)
    shown = read(page)
    assert shown["value"] == ch.conv2d(DIGIT, SOBEL_X, flip=True)[9, 12] == ke.sum_value
    assert shown["grids"][1]["title"] == "flipped kernel"
    checked = page.locator(f"{ROOT} input[type=checkbox]").is_checked()
    assert checked


def own_sobel_x(image, kernel):
    """A learner's function that ignores the kernel it gets: right only with flip off."""
    return ch.conv2d_naive(image, SOBEL_X)


def test_the_learners_note_follows_flip_in_the_page(page, tmp_path):
    ke = ch.KernelExplorer(conv_fn=own_sobel_x)
    ke.row, ke.col = 9, 12
    show(page, ke, tmp_path)
    assert "✅" in read(page)["text"] and "❌" not in read(page)["text"]
    shown = click_flip(page)
    assert "❌" in shown["text"] and "the flipped kernel" in shown["text"]
    assert shown["value"] == ch.conv2d(DIGIT, SOBEL_X, flip=True)[9, 12]  # the true sum
    assert f"your conv_fn gave {ch.conv2d(DIGIT, SOBEL_X)[9, 12]:.6g} here" in shown["sum"]
    shown = click_flip(page)
    assert "✅" in shown["text"] and "❌" not in shown["text"]


def digit_only_conv2d(image, kernel):
    """A learner's loop with the sizes of the 28x28 digit and a 3x3 kernel written in."""
    out = np.zeros((26, 26))
    for i in range(26):
        for j in range(26):
            out[i, j] = np.sum(image[i : i + 3, j : j + 3] * kernel)
    return out


def test_the_learners_note_follows_padding_and_stride_in_the_page(page, tmp_path):
    ke = ch.KernelExplorer(conv_fn=digit_only_conv2d)
    ke.position = 26 * 26 - 1
    show(page, ke, tmp_path)
    assert "✅" in read(page)["text"] and "❌" not in read(page)["text"]
    shown = press(page, "padding", "ArrowRight")  # the padded image is 30x30: 26 is wrong
    assert "❌" in shown["text"] and "output shape (26, 26)" in shown["text"]
    assert "no value from your function" in shown["text"]
    assert "your conv_fn gave" not in shown["sum"]  # at (25, 25) its value is right
    shown = press(page, "step", "End")  # (27, 27): its 26x26 map has no value there
    assert "feature map[27, 27]" in shown["sum"] and "gave no value for this cell" in shown["sum"]
    shown = press(page, "padding", "Home")
    assert "✅" in shown["text"] and "❌" not in shown["text"]
    shown = press(page, "stride", "ArrowRight")
    assert "✅" in shown["text"] and "every 2-th value" in shown["text"]


def test_a_typed_kernel_that_fits_a_larger_padding_needs_python(page, tmp_path):
    ke = ch.KernelExplorer("example")
    ke.kernel_text = "\n".join(["1 1 1 1 1"] * 5)  # 5x5 does not fit the 4x4 image: waits
    show(page, ke, tmp_path)
    shown = press(page, "padding", "ArrowRight")  # drawn at once with the kernel it has
    assert "feature map (5, 5)" in shown["text"]
    deliver(page, ke)  # Python uses the typed kernel now and sends its maps
    shown = read(page)
    assert "feature map (2, 2)" in shown["text"] and shown["grids"][1]["cells"] == ["1"] * 25
    assert shown["value"] == ch.conv2d(ch.EXAMPLE_IMAGE, np.ones((5, 5)), padding=1)[0, 0]


def test_play_steps_in_the_page_until_paused(page, tmp_path):
    ke = ch.KernelExplorer()
    ke.interval = 30  # ms per step
    show(page, ke, tmp_path)
    page.locator(f"{ROOT} button[aria-label=play]").click()
    page.wait_for_function(
        f"Number(document.querySelector('{ROOT} [data-ch=sum]').dataset.col) >= 5", timeout=5_000
    )
    page.locator(f"{ROOT} button[aria-label=play]").click()
    shown = read(page)
    assert shown["playing"] == "false"
    assert shown["value"] == ke.reference_map[shown["row"], shown["col"]]
    deliver(page, ke)
    assert not ke.playing and ke.position == shown["row"] * 26 + shown["col"] > 0


def test_hovering_shows_a_value_and_a_click_moves_there(page, tmp_path):
    ke = ch.KernelExplorer()
    show(page, ke, tmp_path)
    box = page.locator(f"{ROOT} canvas[aria-label^='feature map']").bounding_box()
    cell = box["width"] / 26
    x, y = box["x"] + 12.5 * cell, box["y"] + 9.5 * cell  # the middle of cell (9, 12)
    page.mouse.move(x, y)
    expected = f"{ke.reference_map[9, 12]:.6g}"
    assert f"under the pointer: feature map[9, 12] = {expected}" in read(page)["text"]
    page.mouse.click(x, y)
    shown = read(page)
    assert (shown["row"], shown["col"], shown["value"]) == (9, 12, ke.reference_map[9, 12])


def test_padding_and_stride_keep_the_widget_size(page, tmp_path):
    """The pictures' boxes hold their largest size, so the page around never re-lays out."""
    show(page, ch.KernelExplorer(), tmp_path)
    size = "(root) => { const r = document.querySelector(root).getBoundingClientRect();"
    size += " return [r.width, r.height]; }"
    first = page.evaluate(size, ROOT)
    seen = set()
    for label, keys in [("padding", ["ArrowRight"] * 3), ("stride", ["ArrowRight"] * 2)]:
        for key in keys:
            page.locator(f"{ROOT} input[aria-label={label}]").press(key)
            seen.add(tuple(page.evaluate(size, ROOT)))
    assert seen == {tuple(first)}
    assert "padded to (34, 34)" in read(page)["text"]  # the steps did happen
