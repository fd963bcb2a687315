"""Notebook 06's helpers: digits on a canvas, the permutation comparison, the shift widget."""

import numpy as np
import pytest

from convhelpers import (
    cnn_global_pool,
    compare_on_permuted,
    place_on_canvas,
    shift,
    shift_predictions_widget,
    show_params_vs_accuracy,
    small_cnn,
    softmax,
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


class _NearestMean:
    """A classifier that sees pixels as an unordered list: the same accuracy after a permutation."""

    def __init__(self, X, y):
        flat = X.reshape(len(X), -1).astype(float)
        self.means = np.stack([flat[y == c].mean(axis=0) for c in range(2)])

    def predict(self, X):
        flat = X.reshape(len(X), -1).astype(float)
        return ((flat[:, None] - self.means) ** 2).sum(axis=2).argmin(axis=1)


def _two_classes():
    """Class 0: ink on the left half; class 1: on the right half (plus noise)."""
    rng = np.random.default_rng(2)
    y = np.arange(60) % 2
    X = rng.integers(0, 60, size=(60, 6, 6)).astype(np.uint8)
    X[y == 0, :, :3] += 150
    X[y == 1, :, 3:] += 150
    return X, y


def test_compare_on_permuted_applies_one_permutation_to_train_and_test():
    X, y = _two_classes()
    perm = np.random.default_rng(0).permutation(36)
    fixed = _NearestMean(X, y)  # trained once on unpermuted pixels, ignores its training set
    results = compare_on_permuted(
        {"nearest mean": _NearestMean, "fixed": lambda X_, y_: fixed},
        X[:40],
        y[:40],
        X[40:],
        y[40:],
        perm,
    )
    assert list(results) == ["nearest mean", "fixed"]
    assert results["nearest mean"]["original"] == 1.0
    assert results["nearest mean"]["permuted"] == 1.0  # retrained on the permuted pixels
    assert results["fixed"]["original"] == 1.0
    assert results["fixed"]["permuted"] < 0.9  # it never saw the permuted layout
    assert results["fixed"]["models"] == (fixed, fixed)
    original, permuted = results["nearest mean"]["models"]
    np.testing.assert_allclose(permuted.means, original.means[:, perm])  # pixel k from perm[k]
    with pytest.raises(TypeError, match="trainers"):
        compare_on_permuted({}, X, y, X, y, perm)


def test_shift_predictions_widget_moves_the_image_and_asks_every_model():
    models = {"CNN a": small_cnn(seed=0), "CNN b": small_cnn(seed=1)}
    image = _images(1)[0]
    box = shift_predictions_widget(models, image, 3, max_shift=6)
    assert box._esm.count('widgetRoot(el, "shift-predictions")') == 1
    # every model's probabilities for all 13 x 13 shifts, computed once: float32
    assert len(box.probabilities) == 13 * 13 * 2 * 10 * 4
    box.dx = 4
    box.controls["dy"].value = -2  # as with the ipywidgets version
    assert box.dy == -2 and box.controls["dx"].value == 4
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
        {"gp": cnn_global_pool()}, np.zeros((48, 48), np.uint8), 0, max_shift=2
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
