"""Notebook 06's helpers: digits on a canvas, the pixel-shuffling layer, the shift widget."""

import numpy as np
import pytest

from convhelpers import (
    ShufflePixels,
    permute_pixels,
    place_on_canvas,
    shift,
    shift_predictions_widget,
    show_params_vs_accuracy,
    small_cnn,
    small_cnn_global_pool,
    softmax,
    with_shuffled_pixels,
)


def _images(n=5, h=28, w=28):
    return np.random.default_rng(1).integers(1, 256, size=(n, h, w), dtype=np.uint8)


def test_place_on_canvas_pastes_each_image_at_its_position():
    images = _images()
    canvases, positions = place_on_canvas(images, 48, rows=(0, 6), cols=(10, 20), seed=3)
    assert canvases.shape == (5, 48, 48) and canvases.dtype == np.uint8
    assert positions.shape == (5, 2) and positions.dtype == np.int64
    assert ((0 <= positions[:, 0]) & (positions[:, 0] <= 6)).all()
    assert ((10 <= positions[:, 1]) & (positions[:, 1] <= 20)).all()
    for canvas, image, (top, left) in zip(canvases, images, positions, strict=True):
        np.testing.assert_array_equal(canvas[top : top + 28, left : left + 28], image)
        assert canvas.sum(dtype=np.int64) == image.sum(dtype=np.int64)  # zeros elsewhere
    again, same = place_on_canvas(images, 48, rows=(0, 6), cols=(10, 20), seed=3)
    np.testing.assert_array_equal(again, canvases)
    np.testing.assert_array_equal(same, positions)


def test_place_on_canvas_default_region_is_anywhere_it_fits():
    _, positions = place_on_canvas(_images(400), 40, seed=0)
    assert positions.min() == 0 and positions.max() == 12


def test_place_on_canvas_explicit_positions():
    images = _images(2, 3, 2).astype(np.float32)
    canvases, _ = place_on_canvas(images, 5, positions=np.array([[0, 0], [2, 3]]))
    np.testing.assert_array_equal(canvases[1, 2:5, 3:5], images[1])
    assert canvases.dtype == np.float32


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"rows": (0, 21)}, "rows must satisfy"),
        ({"cols": (5, 2)}, "cols must satisfy"),
        ({"rows": (1, 2, 3)}, "rows must be a pair"),
        ({"positions": np.array([[0, 21]] * 5)}, "inside the 48x48"),
        ({"positions": np.zeros((4, 2), dtype=int)}, r"shape \(5, 2\)"),
    ],
)
def test_place_on_canvas_rejects_bad_regions(kwargs, match):
    with pytest.raises(ValueError, match=match):
        place_on_canvas(_images(), 48, **kwargs)


def test_place_on_canvas_rejects_a_canvas_too_small():
    with pytest.raises(ValueError, match="size must be >= 28"):
        place_on_canvas(_images(), 20)


def test_shuffle_pixels_layer_is_permute_pixels_and_sends_gradients_back():
    X = _images(3, 6, 6)
    perm = np.random.default_rng(0).permutation(36)
    layer = ShufflePixels(perm)
    x = X[:, None].astype(np.float64)  # (N, 1, 6, 6)
    np.testing.assert_array_equal(layer.forward(x)[:, 0], permute_pixels(X, perm))
    dout = np.random.default_rng(1).standard_normal(x.shape)
    dx = layer.backward(dout)  # d/dx of sum(shuffle(x) * dout)
    np.testing.assert_array_equal(dx.reshape(3, 36)[:, perm], dout.reshape(3, 36))
    with pytest.raises(ValueError, match="permutation"):
        ShufflePixels([0, 0, 1])
    with pytest.raises(ValueError, match="36 entries"):
        layer.forward(np.zeros((1, 1, 5, 5)))


def test_with_shuffled_pixels_sees_the_shuffled_image_through_the_same_layers():
    model = small_cnn(seed=0)
    perm = np.random.default_rng(0).permutation(784)
    shuffled = with_shuffled_pixels(model, perm)
    assert shuffled.layers[1:] == model.layers and shuffled.num_params() == model.num_params()
    X = _images(4)
    np.testing.assert_array_equal(shuffled.scores(X), model.scores(permute_pixels(X, perm)))


def test_shift_predictions_widget_moves_the_image_and_asks_every_model():
    models = {"CNN a": small_cnn(seed=0), "CNN b": small_cnn(seed=1)}
    image = _images(1)[0]
    box = shift_predictions_widget(models, image, 3, max_shift=6)
    assert box._esm.count('widgetRoot(el, "shift-predictions")') == 1
    # every model's probabilities for all 13 x 13 shifts, computed once: float32
    assert len(box.probabilities) == 13 * 13 * 2 * 10 * 4
    box.dx = 4
    box.dy = -2
    assert box.dy == -2 and box.dx == 4
    moved = shift(image, dy=-2, dx=4)
    np.testing.assert_array_equal(box.shown, moved)
    assert box.shown.dtype == np.uint8
    for name, model in models.items():
        p = box.shown_probabilities[name]
        np.testing.assert_allclose(p, softmax(model.scores(moved[None]))[0], rtol=1e-5, atol=1e-7)
        assert int(np.argmax(p)) == int(model.predict(moved[None])[0])
    assert box.names == ["CNN a", "CNN b"] and box.label == 3
    assert box.scale == 8  # 28 px x 8 = 224 on screen
    np.testing.assert_array_equal(np.frombuffer(box.image, np.uint8).reshape(28, 28), image)
    with pytest.raises(ValueError, match=r"dx must be in -6\.\.6, got 7"):
        box.dx = 7
    canvas_box = shift_predictions_widget(
        {"gp": small_cnn_global_pool()}, np.zeros((48, 48), np.uint8), 0, max_shift=2
    )
    assert canvas_box.scale == 4  # 48 px x 4, not stretched
    canvas_box.dy = 2
    assert canvas_box.shown.shape == (48, 48)
    assert set(canvas_box.shown_probabilities) == {"gp"}


def test_shift_predictions_widget_rejects_bad_models():
    with pytest.raises(TypeError, match="non-empty dict"):
        shift_predictions_widget({}, _images(1)[0], 0)
    with pytest.raises(TypeError, match=r"models\['x'\] must have a .scores"):
        shift_predictions_widget({"x": object()}, _images(1)[0], 0)
    with pytest.raises(ValueError, match="2-D"):
        shift_predictions_widget({"cnn": small_cnn()}, _images(2), 0)
    with pytest.raises(ValueError, match=r"label must be a class in 0\.\.9, got 10"):
        shift_predictions_widget({"cnn": small_cnn()}, _images(1)[0], 10, max_shift=1)


def test_show_params_vs_accuracy_places_and_labels_each_model():
    ax = show_params_vs_accuracy({"MLP": (101_770, 0.95), "CNN": (20_490, 0.97)})
    assert [c.get_offsets()[0].tolist() for c in ax.collections] == [
        [101_770, 0.95],
        [20_490, 0.97],
    ]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["MLP", "CNN"]
    assert [t.get_text() for t in ax.texts] == ["101,770", "20,490"]
    assert ax.get_xscale() == "log" and "parameters" in ax.get_xlabel()
    with pytest.raises(TypeError, match="non-empty dict"):
        show_params_vs_accuracy({})
