"""Receptive fields: the computed windows are exactly the pixels that can change a unit."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from convhelpers import (
    Conv2D,
    Dense,
    Flatten,
    GlobalAvgPool,
    MaxPool2D,
    ReLU,
    Sequential,
    cut_window,
    global_pool_cnn,
    layer_output,
    mlp,
    pixels_that_change,
    receptive_field,
    receptive_field_table,
    receptive_field_widget,
    show_receptive_fields,
    show_top_patches,
    show_unit_inputs,
    small_cnn,
    top_patches,
    unit_inputs,
)
from convhelpers.local import locally_connected_cnn


def strided_net() -> Sequential:
    """Every case of the rule: stride 2, padding 0, 1 and 2, 5x5 and 3x3, odd sizes, a pool."""
    return Sequential(
        Conv2D(1, 2, 5, padding=2, stride=2, rng=0),
        ReLU(),
        MaxPool2D(),  # 11 -> 5: the last row and column are dropped
        Conv2D(2, 3, 3, rng=1),
        Conv2D(3, 2, 3, padding=1, stride=2, rng=2),
        Flatten(),
        Dense(2 * 2 * 2, 4, rng=3),
        input_shape=(1, 21, 21),
    )


def positive(model: Sequential) -> Sequential:
    """All weights made positive, biases 0: then a huge pixel raises every unit that sees it."""
    for layer in model.layers:
        if "w" in layer.params:
            layer.params["w"][...] = np.abs(layer.params["w"])
            layer.params["b"][...] = 0
    return model


def changed_by_each_pixel(model: Sequential, height: int, width: int) -> list[np.ndarray]:
    """For each layer, (H*W, ...) booleans: does setting that one pixel to 1000 change the unit?

    Measured on a blank image in float64, one pixel at a time (one image per pixel).
    """
    n = height * width
    blank = np.zeros((1, 1, height, width))
    one_pixel = np.zeros((n, 1, height, width))
    one_pixel[np.arange(n), 0, np.arange(n) // width, np.arange(n) % width] = 1000.0
    before, after = model.activations(blank), model.activations(one_pixel)
    return [a != b for a, b in zip(after, before, strict=True)]


def window_mask(field, i, j, height, width) -> np.ndarray:
    top, left = field.window(i, j)
    mask = np.zeros((height, width), bool)
    mask[max(top, 0) : top + field.size, max(left, 0) : left + field.size] = True
    return mask


@pytest.mark.parametrize(
    ("model", "shape"),
    [
        (small_cnn(seed=0), (28, 28)),
        (strided_net(), (21, 21)),
        (global_pool_cnn(seed=0), (20, 20)),
        (locally_connected_cnn(seed=0, input_size=(12, 12)), (12, 12)),
    ],
    ids=["small_cnn", "strided", "global_pool", "locally_connected"],
)
def test_windows_are_exactly_the_pixels_that_change_a_unit(model, shape):
    height, width = shape
    model = positive(model)
    fields = receptive_field(model, (1, height, width))
    changed = changed_by_each_pixel(model, height, width)
    for k, (field, moved) in enumerate(zip(fields, changed, strict=True)):
        if field.whole_image:  # every pixel changes every unit
            assert moved.all(), field
        elif field.on_grid:
            _, h, w = field.output_shape
            for i in range(h):
                for j in range(w):
                    got = moved[:, 0, i, j].reshape(height, width)
                    assert np.array_equal(got, window_mask(field, i, j, height, width)), (k, i, j)
        else:  # Flatten: number n is unit (c, i, j) of the layer before
            below = changed[k - 1].reshape(height * width, -1)
            assert np.array_equal(moved, below)
            assert (field.size, field.jump, field.start) == (
                fields[k - 1].size,
                fields[k - 1].jump,
                fields[k - 1].start,
            )


def test_small_cnn_by_hand():
    fields = receptive_field(small_cnn(seed=0))
    got = [(f.size, f.jump, f.start) for f in fields]
    grid = [(3, 1, -1), (4, 2, -1), (4, 2, -1), (8, 2, -3), (10, 4, -3), (10, 4, -3), (10, 4, -3)]
    assert got == grid + [(None, None, None)] * 3
    assert [f.index for f in fields] == list(range(10))
    assert fields[3].output_shape == (32, 14, 14)
    assert fields[6].output_shape == (1568,) and not fields[6].on_grid
    assert fields[7].whole_image and fields[7].describe() == "the whole image"
    assert fields[4].describe() == "10×10 px, jump 4, start -3"
    own = [(f.kernel, f.stride, f.padding) for f in fields]  # the window each layer slides
    assert own == [(3, 1, 1), (2, 2, 0), (None,) * 3, (3, 1, 1), (2, 2, 0)] + [(None,) * 3] * 5


def test_window_and_unit_near():
    field = receptive_field(small_cnn(seed=0))[3]  # 8x8, jump 2, start -3, 14x14 units
    assert field.window(0, 0) == (-3, -3)
    assert field.window(7, 2) == (11, 1)
    assert field.unit_near(14, 14) == (7, 7)  # unit 7's window covers rows 11-18: centre 14.5
    assert field.unit_near(0, 27) == (0, 13)  # unit 0 is centred on row 0.5, unit 13 on 26.5
    assert field.unit_near(2, 2) == (1, 1)  # centred on 2.5; unit 0's centre 0.5 is farther
    assert field.unit_near(-50, 500) == (0, 13)  # clipped to the layer's units
    with pytest.raises(ValueError, match="outside layer 3"):
        field.window(14, 0)
    with pytest.raises(TypeError, match="i must be an integer"):
        field.window(1.5, 0)
    with pytest.raises(ValueError, match="no grid"):
        receptive_field(small_cnn(seed=0))[7].window(0, 0)


def test_table_lists_every_layer():
    table = receptive_field_table(small_cnn(seed=0))
    lines = table.splitlines()
    assert len(lines) == 12  # header, input, 10 layers
    assert "input" in lines[1] and "1×1" in lines[1]
    assert "10×10" in lines[6] and "MaxPool2D" in lines[6]
    assert lines[-1].endswith("the whole image")


def test_bad_models_are_refused():
    with pytest.raises(TypeError, match="Sequential"):
        receptive_field([Conv2D(1, 2, 3)])

    class Odd:  # a layer receptive_field does not know
        def output_shape(self, shape):
            return shape

    with pytest.raises(ValueError, match="input_shape"):
        receptive_field(global_pool_cnn(seed=0))  # any size: the size must be given
    assert receptive_field(global_pool_cnn(seed=0), (1, 48, 48))[11].whole_image
    with pytest.raises(TypeError, match="layer 1 is a Odd"):
        receptive_field(Sequential(Conv2D(1, 2, 3), Odd()))
    model = Sequential(Conv2D(1, 2, 3), GlobalAvgPool(), Dense(2, 3))
    assert [f.whole_image for f in receptive_field(model)] == [False, True, True]


def test_cut_window_fills_outside_the_image():
    image = np.arange(1, 26, dtype=np.uint8).reshape(5, 5)
    np.testing.assert_array_equal(cut_window(image, 1, 2, 2), [[8, 9], [13, 14]])
    corner = cut_window(image, -1, -1, 3)
    np.testing.assert_array_equal(corner, [[0, 0, 0], [0, 1, 2], [0, 6, 7]])
    marked = cut_window(image, 3, 4, 3, fill=np.nan)
    assert np.isnan(marked).sum() == 9 - 2 and marked[0, 0] == 20 and marked[1, 0] == 25
    assert (cut_window(image, 10, 10, 2) == 0).all()  # wholly outside
    assert cut_window(image, 0, 0, 5).dtype == np.float64
    with pytest.raises(ValueError, match="image must be 2-D"):
        cut_window(image[None], 0, 0, 2)
    with pytest.raises(ValueError, match="size must be >= 1"):
        cut_window(image, 0, 0, 0)


@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(0)
    return (rng.random((40, 28, 28)) ** 4 * 255).astype(np.uint8)  # (40, 28, 28), mostly dark


def test_layer_output_equals_activations(digits):
    model = small_cnn(seed=1)
    for k in (0, 3, 5, 9):
        np.testing.assert_array_equal(layer_output(model, digits, k), model.activations(digits)[k])
    with pytest.raises(ValueError, match="layer must be < 10"):
        layer_output(model, digits, 10)


def test_top_patches_are_the_strongest_units(digits):
    model = small_cnn(seed=1)
    outputs = model.activations(digits)[3]  # (40, 32, 14, 14)
    results = top_patches(model, digits, 3, [5, 0], k=6)
    assert [r.channel for r in results] == [5, 0]
    field = receptive_field(model)[3]
    for r in results:
        assert r.layer == 3 and r.size == 8 and r.patches.shape == (6, 8, 8)
        assert len(set(r.images.tolist())) == 6  # each image once
        assert (np.diff(r.values) <= 0).all()  # largest first
        per_image = outputs[:, r.channel].max(axis=(1, 2))  # (40,)
        np.testing.assert_array_equal(r.values, np.sort(per_image)[::-1][:6])
        for n, (i, j), (top, left), patch, inside in zip(
            r.images, r.units, r.windows, r.patches, r.inside, strict=True
        ):
            assert outputs[n, r.channel, i, j] == per_image[n]
            assert (top, left) == field.window(int(i), int(j))
            np.testing.assert_array_equal(patch, cut_window(digits[n], top, left, 8))
            np.testing.assert_array_equal(
                inside, ~np.isnan(cut_window(digits[n], top, left, 8, fill=np.nan))
            )
    assert len(top_patches(model, digits[:3], 0, 2, k=10)[0].values) == 3  # k capped at N


def test_top_patches_refuses_bad_layers_and_channels(digits):
    model = small_cnn(seed=1)
    with pytest.raises(ValueError, match="no maps"):
        top_patches(model, digits, 7, [0])
    with pytest.raises(ValueError, match="channels must be 0 to 7"):
        top_patches(model, digits, 0, [8])
    with pytest.raises(ValueError, match="channels must be 0 to 7"):
        top_patches(model, digits, 0, [])
    with pytest.raises(ValueError, match="images must be 3-D"):
        top_patches(model, digits[0], 0, [0])


def test_figures(digits):
    model = small_cnn(seed=1)
    fig = show_receptive_fields(model, digits[0], row=3, col=20)
    assert len(fig.axes) == 4  # layers 0, 1, 3 and 4
    titles = [ax.get_title() for ax in fig.axes]
    assert "3×3 px, jump 1 px" in titles[0] and "10×10 px, jump 4 px" in titles[3]
    fields = receptive_field(model)
    for ax, k in zip(fig.axes, (0, 1, 3, 4), strict=True):
        unit = fields[k].unit_near(3, 20)
        top, left = fields[k].window(*unit)
        window, neighbour = ax.patches
        assert window.get_xy() == (left - 0.5, top - 0.5) and window.get_width() == fields[k].size
        assert neighbour.get_xy() == (left + fields[k].jump - 0.5, top - 0.5)
        assert window.get_label() == f"unit {unit}"
    assert fig.axes[3].images[0].get_extent() == [-3.5, 30.5, 30.5, -3.5]  # the padding shows
    assert fig.axes[0].get_xlabel() == "column (pixels)"
    with pytest.raises(ValueError, match="no convolution or pooling"):
        show_receptive_fields(mlp(seed=0), digits[0])
    results = top_patches(model, digits, 3, [0, 1, 2], k=4)
    fig = show_top_patches(results, digits, labels=np.arange(40) % 10)
    assert len(fig.axes) == 3 * 5
    assert fig.axes[1].get_title().startswith("class ")
    assert "8×8-pixel window" in fig._suptitle.get_text()
    plt.close("all")
    with pytest.raises(ValueError, match="at least one"):
        show_top_patches([], digits)


# --- the receptive-field explorer (drawn in the page; its state is scriptable) ---------


def test_explorer_offers_the_layers_with_windows(digits):
    model = small_cnn(seed=1)
    w = receptive_field_widget(model, digits[:3], np.array([4, 5, 6]))
    assert [e["index"] for e in w.layers] == [0, 1, 3, 4]
    assert (w.layer, w.row, w.col, w.channel) == (0, 14, 14, 0)
    assert w.margin == 3  # layer 3's and 4's windows reach 3 pixels past the border
    assert w.labels == [4, 5, 6]
    assert len(w.images) == 3 * 28 * 28 and len(w.limits) == 4 * 4 * 3
    assert w.unit == (14, 14) and w.window == (13, 13, 3)


def test_explorer_shows_the_unit_nearest_the_pixel(digits):
    model = small_cnn(seed=1)
    w = receptive_field_widget(model, digits[:3])
    fields = receptive_field(model)
    outputs = model.activations(digits[:3])
    for layer, row, col, channel, digit in [(3, 14, 14, 31, 1), (4, 0, 27, 5, 2), (1, 5, 9, 7, 0)]:
        w.layer, w.row, w.col, w.digit, w.channel = layer, row, col, digit, channel
        field = fields[layer]
        assert w.unit == field.unit_near(row, col)
        assert w.window == (*field.window(*w.unit), field.size)
        np.testing.assert_array_equal(w.shown_map, outputs[layer][digit, channel])
        assert w.shown_value == float(outputs[layer][digit, channel][w.unit])
    w.layer = 0  # 8 channels: the channel moves to the last one
    assert w.channel == 7


def test_explorer_refuses_bad_values(digits):
    w = receptive_field_widget(small_cnn(seed=1), digits[0])  # one digit (H, W)
    assert w.shape == [1, 28, 28]
    for name, bad in [("layer", 2), ("row", 28), ("col", -1), ("digit", 1), ("channel", 8)]:
        expected = rf"{name} must be (in 0\.\.\d+|one of \[.*\] .*), got {bad}"
        with pytest.raises(ValueError, match=expected):
            setattr(w, name, bad)
    with pytest.raises(ValueError, match="no convolution or pooling"):
        receptive_field_widget(mlp(seed=0), digits[:2])
    with pytest.raises(ValueError, match="layer must be one of"):
        receptive_field_widget(small_cnn(seed=1), digits[:2], layer=2)
    with pytest.raises(ValueError, match="labels must be 2 integer classes"):
        receptive_field_widget(small_cnn(seed=1), digits[:2], labels=[1])
    with pytest.raises(ValueError, match="images must be"):
        receptive_field_widget(small_cnn(seed=1), digits[None])


def test_explorer_script_is_the_widgets_own():
    esm = receptive_field_widget(small_cnn(seed=1), np.zeros((28, 28), np.uint8))._esm
    assert "function render" in esm and "export default { render }" in esm
    assert "function paint" in esm  # draw.js's helpers come first


def test_unit_inputs_add_up_to_the_unit(digits):
    model = small_cnn(seed=1)
    for layer, unit, channel in [(3, (0, 13), 7), (3, (6, 6), 0), (0, (27, 0), 4)]:
        inputs, weights, bias = unit_inputs(model, digits[5], layer, channel, unit)
        k = 3
        c_in = 1 if layer == 0 else 8
        assert inputs.shape == weights.shape == (c_in, k, k)
        value = layer_output(model, digits[5:6], layer)[0, channel][unit]
        np.testing.assert_allclose((inputs * weights).sum() + bias, value, rtol=1e-5, atol=1e-5)
    inputs, _, _ = unit_inputs(model, digits[5], 3, 0, (0, 0))
    assert (inputs[:, 0, :] == 0).all() and (inputs[:, :, 0] == 0).all()  # the zero padding
    with pytest.raises(ValueError, match="Conv2D"):
        unit_inputs(model, digits[5], 4, 0, (0, 0))
    with pytest.raises(ValueError, match="channel must be < 32"):
        unit_inputs(model, digits[5], 3, 32, (0, 0))
    with pytest.raises(ValueError, match="outside layer 3"):
        unit_inputs(model, digits[5], 3, 0, (14, 0))
    fig = show_unit_inputs(model, digits[5], 3, 7, (6, 6))
    assert len(fig.axes) == 2 * 9
    assert "adds up its 8 input channels" in fig._suptitle.get_text()
    titles = [ax.get_title() for ax in fig.axes[1:9]]
    parts = [float(t.split("\n")[1]) for t in titles]
    assert parts == sorted(parts, reverse=True)  # largest part first


def test_pixels_that_change_are_the_window():
    model = positive(small_cnn(seed=2))  # a positive network: every window pixel counts
    blank = np.zeros((28, 28), np.uint8)
    field = receptive_field(model)[3]
    for unit in [(7, 7), (0, 13)]:
        changed = pixels_that_change(model, blank, 3, unit, channel=5)
        assert changed.dtype == bool and changed.shape == (28, 28)
        np.testing.assert_array_equal(changed, window_mask(field, *unit, 28, 28))
    trained_like = small_cnn(seed=2)  # mixed signs: never a pixel outside the window
    rng = np.random.default_rng(3)
    digit = (rng.random((28, 28)) * 255).astype(np.uint8)
    changed = pixels_that_change(trained_like, digit, 4, (3, 3), channel=0)
    outside = ~window_mask(receptive_field(trained_like)[4], 3, 3, 28, 28)
    assert not changed[outside].any() and changed.any()
