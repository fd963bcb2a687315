"""Notebook 05's views inside a CNN: kernels, feature-maps widget, mistakes, confusion matrix."""

import numpy as np
import pytest

from convhelpers import (
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    ReLU,
    Sequential,
    confusion_matrix,
    feature_maps_widget,
    first_conv_weights,
    mlp,
    most_confused_pairs,
    show_confusion,
    show_kernels,
    show_mistakes,
    softmax,
)


@pytest.fixture(scope="module")
def model():
    """A small CNN of known shape (small_cnn's layers may change; these tests must not)."""
    return Sequential(
        Conv2D(1, 6, 3, padding=1, rng=0),
        MaxPool2D(),
        ReLU(),
        Conv2D(6, 12, 3, padding=1, rng=1),
        MaxPool2D(),
        ReLU(),
        Flatten(),
        Dense(12 * 7 * 7, 10, rng=2),
    )


@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(4, 28, 28), dtype=np.uint8), np.array([3, 1, 4, 1])


def test_first_conv_weights(model):
    assert first_conv_weights(model) is model.layers[0].params["w"]
    with pytest.raises(ValueError, match="convolution layer"):
        first_conv_weights(mlp(seed=0))


def test_show_kernels_draws_every_kernel_on_one_signed_scale(model):
    w = first_conv_weights(model)
    fig = show_kernels(model)
    kernel_axes = [ax for ax in fig.axes if ax.images and ax.get_title().startswith("kernel")]
    assert len(kernel_axes) == 6
    limit = np.abs(w).max()
    for k, ax in enumerate(kernel_axes):
        assert ax.get_title() == f"kernel {k}"
        assert ax.images[0].get_clim() == pytest.approx((-limit, limit))
        np.testing.assert_array_equal(ax.images[0].get_array(), w[k, 0])
        assert len(ax.texts) == 9  # every weight written
    assert "6 first-layer kernels, 3×3" in fig._suptitle.get_text()
    assert any("weight" in ax.get_ylabel() for ax in fig.axes)  # the colour bar


def test_show_kernels_takes_weights_and_checks_them():
    w = np.arange(2 * 3 * 5 * 5, dtype=float).reshape(2, 3, 5, 5) - 70
    fig = show_kernels(w, channel=2, values=False)
    shown = [ax for ax in fig.axes if ax.images and ax.get_title().startswith("kernel")]
    np.testing.assert_array_equal(shown[1].images[0].get_array(), w[1, 2])
    assert not shown[1].texts
    with pytest.raises(ValueError, match="channel must be < 3"):
        show_kernels(w, channel=3)
    with pytest.raises(ValueError, match="4-D"):
        show_kernels(np.zeros((3, 3)))


def _expected_map(model, image, layer, channel):
    return model.activations(image[None])[layer][0][channel]


def test_feature_maps_widget_follows_every_control(model, digits):
    images, labels = digits
    box = feature_maps_widget(model, images, labels)
    assert box._esm.count('widgetRoot(el, "feature-maps")') == 1
    assert [e["index"] for e in box.layers] == [0, 1, 2, 3, 4, 5]  # layers with (C, h, w) maps
    assert [e["channels"] for e in box.layers] == [6, 6, 6, 12, 12, 12]
    assert box.layer == 0 and box.channel == 0

    box.digit, box.layer, box.channel = 2, 3, 10
    expected = _expected_map(model, images[2], 3, 10)
    np.testing.assert_allclose(box.shown_maps, expected)
    np.testing.assert_allclose(box.layer_maps(), model.activations(images[2][None])[3][0])
    # one colour scale per layer and digit: the largest |value| of that layer's maps
    limits = np.frombuffer(box.limits, "<f4").reshape(6, 4)
    assert limits[3, 2] == pytest.approx(np.abs(model.activations(images[2][None])[3][0]).max())
    # every layer's maps for every digit were sent once, as float32
    sizes = [6 * 28 * 28, 6 * 14 * 14, 6 * 14 * 14, 12 * 14 * 14, 12 * 7 * 7, 12 * 7 * 7]
    assert len(box.maps) == 4 * 4 * sum(sizes)

    box.layer = 0  # 6 channels: the channel moves to the last one
    assert box.channel == 5
    np.testing.assert_allclose(box.shown_maps, _expected_map(model, images[2], 0, 5))
    with pytest.raises(ValueError, match=r"channel must be in 0\.\.5, got 6"):
        box.channel = 6

    box.layer = 5  # after the second pooling and ReLU: 7x7, never negative
    assert box.layer == 5 and box.channel == 5
    assert box.shown_maps.shape == (7, 7) and box.shown_maps.min() >= 0
    with pytest.raises(ValueError, match=r"layer must be one of \[0, 1, 2, 3, 4, 5\]"):
        box.layer = 6

    predicted = int(model.predict(images[2:3])[0])
    p = softmax(model.scores(images[2:3]))[0]
    assert box.prediction == predicted
    np.testing.assert_allclose(box.shown_probabilities, p, rtol=1e-5, atol=1e-7)
    assert box.labels == [3, 1, 4, 1]


def test_feature_maps_widget_one_image_has_no_digit_to_choose(model, digits):
    images, _ = digits
    box = feature_maps_widget(model, images[0])
    assert box.shape == [1, 28, 28] and box.labels == []
    np.testing.assert_array_equal(np.frombuffer(box.images, np.uint8).reshape(28, 28), images[0])
    with pytest.raises(ValueError, match=r"digit must be in 0\.\.0"):
        box.digit = 1


def test_feature_maps_widget_rejects_bad_input(model, digits):
    images, _ = digits
    with pytest.raises(ValueError, match="labels must have one integer entry per image"):
        feature_maps_widget(model, images, [1, 2])
    with pytest.raises(ValueError, match="images must be"):
        feature_maps_widget(model, images[None])
    with pytest.raises(ValueError, match="stack of feature maps"):
        feature_maps_widget(mlp(seed=0), images)
    with pytest.raises(ValueError, match="MB to the page"):
        feature_maps_widget(model, np.repeat(images, 100, axis=0))


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    y_true = np.array([0, 0, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 0, 0])
    cm = confusion_matrix(y_true, y_pred, num_classes=3)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 1, 0], [2, 0, 1]])
    assert confusion_matrix(y_true, y_pred).shape == (10, 10)
    with pytest.raises(ValueError, match="must match"):
        confusion_matrix(y_true, y_pred[:-1])
    with pytest.raises(ValueError, match="labels must be in 0..1"):
        confusion_matrix(y_true, y_pred, num_classes=2)
    with pytest.raises(TypeError, match="y_pred must be"):
        confusion_matrix(y_true, y_pred.astype(float))


def test_most_confused_pairs_skips_the_diagonal_and_sorts():
    cm = np.array([[50, 1, 4], [0, 60, 2], [4, 3, 70]])
    assert most_confused_pairs(cm, k=3) == [(0, 2, 4), (2, 0, 4), (2, 1, 3)]
    assert most_confused_pairs(cm, k=1) == [(0, 2, 4)]
    with pytest.raises(ValueError, match="square"):
        most_confused_pairs(np.zeros((2, 3)))


def test_show_confusion_writes_every_nonzero_count():
    y_true = np.array([0, 0, 1, 2, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 2, 0, 0])
    ax = show_confusion(y_true, y_pred, num_classes=3)
    texts = {(t.get_position(), t.get_text()) for t in ax.texts}
    assert texts == {((0, 0), "1"), ((1, 0), "1"), ((1, 1), "1"), ((2, 2), "2"), ((0, 2), "2")}
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert "4 of 7 right" in ax.get_title()
    assert len(ax.figure.axes) == 2  # the colour bar


def test_show_mistakes_titles_true_and_predicted(digits):
    images, labels = digits
    predicted = np.array([3, 7, 4, 2])
    fig = show_mistakes(images, labels, predicted)
    titles = [ax.get_title() for ax in fig.axes if ax.images]
    assert titles == ["1 → 7", "1 → 2"]
    assert "2 mistakes out of 4, titled true → predicted" in fig._suptitle.get_text()
    none = show_mistakes(images, labels, labels)
    assert "no mistakes" in none.axes[0].texts[0].get_text()
    with pytest.raises(ValueError, match="same length"):
        show_mistakes(images, labels, predicted[:3])
