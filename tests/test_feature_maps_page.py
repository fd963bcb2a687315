"""The feature-maps widget's page (feature_maps.js) in headless Chromium, with no kernel: the
layer menu, channel slider and thumbnails redraw from the data Python sent once, and Python
follows when the page's messages are delivered (widget_page.deliver, as a kernel would)."""

import numpy as np
import pytest
from widget_page import deliver, missing, show

import convhelpers as ch

pytestmark = pytest.mark.skipif(missing() is not None, reason=str(missing()))

ROOT = '[data-ch-widget="feature-maps"]'

# What the page shows: the info line, the menu, the channel slider, the outlined thumbnail and
# the enlarged channel's pixels (RGBA bytes, to compare with Python's colours).
READ = """() => {
    const root = document.querySelector('[data-ch-widget="feature-maps"]');
    const big = root.querySelector('canvas[aria-label="the chosen channel, enlarged"]');
    const thumbs = [...root.querySelectorAll('canvas[aria-label^="channel "]')];
    return {
        info: root.querySelector('.ch-note').textContent,
        layer: root.querySelector('select[aria-label=layer]').value,
        channel: Number(root.querySelector('input[aria-label=channel]').value),
        channelMax: Number(root.querySelector('input[aria-label=channel]').max),
        thumbs: thumbs.length,
        outlined: thumbs.findIndex((t) => t.style.outline.includes('solid')),
        size: [big.height, big.width],
    };
}"""


@pytest.fixture
def widget():
    X, y = ch.load_digits()
    return ch.feature_maps_widget(ch.small_cnn(seed=0), X[:3], y[:3])


def agrees(page, widget) -> dict:
    """The page shows Python's layer and channel, with that layer's shape and channel count."""
    shown = page.evaluate(READ)
    entry = next(e for e in widget.layers if e["index"] == widget.layer)
    assert shown["layer"] == str(widget.layer)
    assert shown["channel"] == widget.channel == shown["outlined"]
    assert shown["thumbs"] == entry["channels"] == shown["channelMax"] + 1
    assert shown["size"] == [entry["height"], entry["width"]] == list(widget.shown_maps.shape)
    assert f"layer {widget.layer}: " in shown["info"]
    return shown


def test_layer_menu_moves_the_channel_to_the_last_one_of_a_smaller_layer(page, widget, tmp_path):
    deep = max(widget.layers, key=lambda e: e["channels"])  # a layer with 32 channels
    widget.layer = deep["index"]
    widget.channel = deep["channels"] - 1
    show(page, widget, tmp_path)
    agrees(page, widget)
    first = widget.layers[0]  # 8 channels
    page.select_option(f"{ROOT} select[aria-label=layer]", str(first["index"]))
    shown = page.evaluate(READ)
    assert shown["channel"] == first["channels"] - 1  # drawn with no answer from Python
    assert widget.layer == deep["index"]
    deliver(page, widget)
    assert (widget.layer, widget.channel) == (first["index"], first["channels"] - 1)
    agrees(page, widget)


def test_channel_keys_and_thumbnail_clicks_then_python_follows(page, widget, tmp_path):
    show(page, widget, tmp_path)
    page.locator(f"{ROOT} input[aria-label=channel]").press("ArrowRight")
    assert page.evaluate(READ)["outlined"] == 1
    page.locator(f'{ROOT} canvas[aria-label="channel 5"]').click()
    assert page.evaluate(READ)["outlined"] == 5
    deliver(page, widget)
    assert widget.channel == 5
    agrees(page, widget)


def test_python_moves_the_page(page, widget, tmp_path):
    show(page, widget, tmp_path)
    layer = widget.layers[-1]
    widget.layer, widget.channel, widget.digit = layer["index"], 3, 2
    changes = {k: widget.get_state()[k] for k in ("layer", "channel", "digit")}
    page.evaluate("(changes) => window.fromPython(changes)", changes)
    agrees(page, widget)
    assert np.isfinite(widget.shown_maps).all()
