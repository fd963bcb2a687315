"""The receptive-field explorer's page (receptive_field.js) in headless Chromium, with no kernel:
every step is drawn from the data Python sent once, and Python follows when messages arrive.

Python answers only when a test calls widget_page.deliver (as a kernel would)."""

import numpy as np
import pytest
from widget_page import deliver, missing, show

import convhelpers as ch

pytestmark = pytest.mark.skipif(missing() is not None, reason=str(missing()))

ROOT = '[data-ch-widget="receptive-field"]'
ORANGE = (230, 97, 0)  # the window's outline, #E66100

# What the page shows: the unit and window it states, its value, where the orange outline is.
READ = """() => {
    const root = document.querySelector('[data-ch-widget="receptive-field"]');
    const info = root.querySelector('[data-ch="window"]');
    const overlay = root.querySelector('canvas[aria-label^="the digit"]').nextSibling;
    const d = overlay.getContext('2d').getImageData(0, 0, overlay.width, overlay.height).data;
    const rows = [], cols = [];
    for (let k = 0; k < d.length; k += 4) {
        if (d[k] === 230 && d[k + 1] === 97 && d[k + 2] === 0 && d[k + 3] === 255) {
            rows.push(Math.floor(k / 4 / overlay.width)); cols.push((k / 4) % overlay.width);
        }
    }
    return {
        unit: info.dataset.unit.split(',').map(Number),
        window: info.dataset.window.split(',').map(Number),
        value: Number(root.querySelector('[data-ch="value"]').dataset.value),
        text: info.textContent,
        rule: root.querySelector('[data-ch="rule"]').textContent,
        layer: root.querySelector('select[aria-label=layer]').value,
        orange: {rows: [Math.min(...rows), Math.max(...rows)],
                 cols: [Math.min(...cols), Math.max(...cols)]},
        scale: parseInt(root.querySelector('canvas[aria-label^="the digit"]').style.width)
               / root.querySelector('canvas[aria-label^="the digit"]').width,
    };
}"""


@pytest.fixture
def widget():
    X, y = ch.load_digits()
    return ch.receptive_field_widget(ch.small_cnn(seed=0), X[:4], y[:4])


def agrees(page, widget) -> dict:
    """The page shows Python's unit, window and value, and outlines that window."""
    shown = page.evaluate(READ)
    assert shown["layer"] == str(widget.layer)  # the menu shows the layer ("" if none)
    assert tuple(shown["unit"]) == widget.unit
    assert tuple(shown["window"]) == widget.window
    assert shown["value"] == widget.shown_value  # the same float32, read from the same bytes
    top, left, size = widget.window
    m, s, thickness = widget.margin, shown["scale"], 3  # the outline is drawn just outside
    assert shown["orange"]["rows"] == [4 + (m + top) * s - thickness, 4 + (m + top + size) * s + 2]
    assert shown["orange"]["cols"] == [
        4 + (m + left) * s - thickness,
        4 + (m + left + size) * s + 2,
    ]
    assert f"{size}×{size} pixels" in shown["text"]
    return shown


def test_first_view_is_pythons(page, widget, tmp_path):
    show(page, widget, tmp_path)
    shown = agrees(page, widget)
    assert shown["unit"] == [14, 14] and shown["window"] == [13, 13, 3]
    assert "3 = 1 + (3 − 1) × 1" in shown["rule"]


def test_keys_step_the_page_alone_then_python_follows(page, widget, tmp_path):
    show(page, widget, tmp_path)
    column = page.locator(f"{ROOT} input[aria-label=column]")
    for _ in range(3):
        column.press("ArrowRight")
    shown = page.evaluate(READ)
    assert shown["unit"] == [14, 17]  # drawn with no answer from Python
    assert widget.col == 14
    deliver(page, widget)
    assert widget.col == 17
    agrees(page, widget)
    page.locator(f"{ROOT} input[aria-label=row]").press("Home")
    deliver(page, widget)
    assert widget.row == 0
    shown = agrees(page, widget)
    assert shown["window"] == [-1, 16, 3]  # layer 0's top row of units reaches into the padding
    assert "zero padding" in shown["text"]


def test_layer_menu_and_clicks(page, widget, tmp_path):
    show(page, widget, tmp_path)
    page.select_option(f"{ROOT} select[aria-label=layer]", "3")
    deliver(page, widget)
    assert widget.layer == 3
    shown = agrees(page, widget)
    assert "8 = 4 + (3 − 1) × 2" in shown["rule"]
    canvas = page.locator(f'{ROOT} canvas[aria-label^="the digit"]')
    s, m = shown["scale"], widget.margin
    canvas.click(position={"x": (m + 20) * s + s / 2, "y": (m + 5) * s + s / 2})  # pixel (5, 20)
    deliver(page, widget)
    assert (widget.row, widget.col) == (5, 20)
    agrees(page, widget)
    page.select_option(f"{ROOT} select[aria-label=layer]", "4")
    deliver(page, widget)
    shown = agrees(page, widget)
    assert shown["window"][2] == 10 and "10 = 8 + (2 − 1) × 2" in shown["rule"]


def test_python_moves_the_page(page, widget, tmp_path):
    show(page, widget, tmp_path)
    widget.layer, widget.row, widget.col, widget.channel, widget.digit = 4, 27, 0, 31, 2
    changes = {k: widget.get_state()[k] for k in ("layer", "row", "col", "channel", "digit")}
    page.evaluate("(changes) => window.fromPython(changes)", changes)
    shown = agrees(page, widget)
    assert shown["unit"] == [6, 0]
    assert np.isfinite(shown["value"])


def test_built_on_another_layer(page, tmp_path):
    X, y = ch.load_digits()
    widget = ch.receptive_field_widget(ch.small_cnn(seed=0), X[:2], y[:2], layer=3)
    show(page, widget, tmp_path)
    shown = agrees(page, widget)
    assert shown["window"] == [11, 11, 8]
