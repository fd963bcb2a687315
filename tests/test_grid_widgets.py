"""Widgets of notebooks 01-03, driven from Python: set their state, check what they show."""

import numpy as np
import pytest

from convhelpers import (
    LinearModel,
    adjust,
    brightness_contrast,
    cosine_similarity,
    digit_window,
    load_digits,
    load_photo,
    permute_pixels,
    photo_window,
    shift,
    shift_explorer,
    shuffle_explorer,
)
from convhelpers.widgets.base import lut_bytes


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    return X[:20], y[:20]


def _root_name(widget) -> str:
    """The data-ch-widget name the widget's ES module gives its root element."""
    return widget._esm.split('widgetRoot(el, "')[1].split('"')[0]


# --- adjust --------------------------------------------------------------------


def test_adjust_clips_or_wraps():
    image = np.array([[0, 100, 200, 255]], dtype=np.uint8)
    np.testing.assert_array_equal(adjust(image, brightness=100), [[100, 200, 255, 255]])
    np.testing.assert_array_equal(adjust(image, brightness=100, clip=False), [[100, 200, 44, 99]])
    np.testing.assert_array_equal(adjust(image, brightness=-150), [[0, 0, 50, 105]])
    np.testing.assert_array_equal(adjust(image, brightness=-150, clip=False), [[106, 206, 50, 105]])
    np.testing.assert_array_equal(adjust(image, contrast=2.0), [[0, 200, 255, 255]])
    np.testing.assert_array_equal(adjust(image, invert=True), [[255, 155, 55, 0]])
    # the wrap-around is exactly what numpy's own uint8 arithmetic does
    np.testing.assert_array_equal(adjust(image, brightness=100, clip=False), image + np.uint8(100))
    assert adjust(image).dtype == np.uint8


def test_adjust_refuses_other_dtypes():
    with pytest.raises(TypeError, match="image must be uint8"):
        adjust(np.zeros((2, 2)))


# --- 01 -----------------------------------------------------------------------


def test_digit_window_follows_its_state(digits):
    X, y = digits
    w = digit_window(X, y, window=5)
    assert _root_name(w) == "digit-window"
    assert (w.row, w.col) == (11, 11)  # starts in the middle
    w.digit = 3
    w.row, w.col = 10, 7
    np.testing.assert_array_equal(w.window, X[3, 10:15, 7:12])
    w.col = 8
    np.testing.assert_array_equal(w.window, X[3, 10:15, 8:13])
    assert w.labels == [int(v) for v in y] and w.shape == [20, 28, 28] and w.total == 20
    # the page gets the digits and the gray colour table once
    np.testing.assert_array_equal(np.frombuffer(w.images, np.uint8).reshape(20, 28, 28), X)
    assert w.lut == lut_bytes("gray") and len(w.lut) == 768
    with pytest.raises(ValueError, match=r"row must be in 0\.\.23, got 24"):
        w.row = 24
    with pytest.raises(ValueError, match=r"digit must be in 0\.\.19"):
        w.digit = 20


def test_digit_window_sends_the_first_max_images(digits):
    X, y = digits
    w = digit_window(X, y, max_images=5)
    assert w.shape == [5, 28, 28] and len(w.images) == 5 * 784 and w.total == 20
    assert w.labels == [int(v) for v in y[:5]]
    assert digit_window(X).labels == []


def test_digit_window_bad_input(digits):
    with pytest.raises(ValueError, match="window must be at most 28"):
        digit_window(digits[0], window=29)
    with pytest.raises(ValueError, match="labels must have one entry per image"):
        digit_window(digits[0], digits[1][:3])
    with pytest.raises(TypeError, match="images must be uint8"):
        digit_window(digits[0].astype(float))


def test_photo_window_shows_the_three_channels():
    photo = load_photo()
    w = photo_window(photo, window=4)
    assert _root_name(w) == "photo-window"
    assert (w.row, w.col) == (130, photo.shape[1] // 2)  # on the cap's brim
    w.row, w.col = 200, 300
    np.testing.assert_array_equal(w.window, photo[200:204, 300:304])
    np.testing.assert_array_equal(np.frombuffer(w.photo, np.uint8).reshape(photo.shape), photo)
    with pytest.raises(ValueError, match=r"col must be in 0\.\.508"):
        w.col = 509
    with pytest.raises(ValueError, match="photo must be uint8"):
        photo_window(photo[..., :2])


def test_brightness_contrast_shows_wrapped_and_clipped(digits):
    image = digits[0][0]
    w = brightness_contrast(image, scale=3)
    assert _root_name(w) == "brightness-contrast"
    np.testing.assert_array_equal(w.wrapped, image)  # nothing to clip yet
    np.testing.assert_array_equal(w.clipped, image)
    w.brightness = 80
    np.testing.assert_array_equal(w.wrapped, adjust(image, brightness=80, clip=False))
    np.testing.assert_array_equal(w.clipped, adjust(image, brightness=80))
    r, c = np.unravel_index(np.argmax(image), image.shape)  # the brightest pixel wraps
    assert w.wrapped[r, c] == (int(image[r, c]) + 80) % 256 and w.clipped[r, c] == 255
    w.invert = True
    w.contrast = 0.5
    np.testing.assert_array_equal(
        w.clipped, adjust(image, brightness=80, contrast=0.5, invert=True)
    )
    with pytest.raises(ValueError, match=r"brightness must be in -255\.\.255"):
        w.brightness = 300
    with pytest.raises(ValueError, match="contrast must be in"):
        w.contrast = 3.5


def test_brightness_contrast_page_rounds_halves_to_even_like_numpy():
    """The page computes rint(contrast * pixel + brightness); its rint must be numpy's."""
    w = brightness_contrast(np.array([[1, 3, 5, 7]], dtype=np.uint8))
    w.contrast = 0.5  # 0.5, 1.5, 2.5, 3.5 -> numpy rounds to 0, 2, 2, 4
    np.testing.assert_array_equal(w.clipped, [[0, 2, 2, 4]])


# --- 02 -----------------------------------------------------------------------


def test_shuffle_explorer_shuffles_and_restores(digits):
    X, y = digits
    perm = np.random.default_rng(0).permutation(784)
    w = shuffle_explorer(X, y, perm, scale=2)
    assert _root_name(w) == "shuffle-explorer"
    w.digit = 5
    np.testing.assert_array_equal(w.shown, permute_pixels(X[5], perm))
    np.testing.assert_array_equal(w.original, X[5])
    assert w.shown.sum() == X[5].sum()
    np.testing.assert_array_equal(np.sort(w.shown, axis=None), np.sort(X[5], axis=None))
    assert not np.array_equal(w.shown, X[5])
    w.mode = "unshuffled"
    np.testing.assert_array_equal(w.shown, X[5])
    assert w.perm == perm.tolist()
    with pytest.raises(ValueError, match="mode must be one of"):
        w.mode = "sorted"
    with pytest.raises(ValueError, match="perm must be a permutation"):
        shuffle_explorer(X, y, np.arange(10))


# --- 03 -----------------------------------------------------------------------


def test_shift_explorer_shows_the_models_scores(digits):
    X, y = digits
    rng = np.random.default_rng(0)
    model = LinearModel(rng.normal(size=(784, 10)), rng.normal(size=10))
    w = shift_explorer(model, X, y, max_shift=6, scale=2)
    assert _root_name(w) == "shift-explorer"
    # every digit and shift was computed at once: (digits, 13, 13, classes) float32
    assert len(w.scores) == 20 * 13 * 13 * 10 * 4 and len(w.similarities) == 20 * 13 * 13 * 4
    for digit, dx, dy in [(0, 0, 0), (2, 3, -2), (2, -6, 6), (19, 6, -6)]:
        w.digit, w.dx, w.dy = digit, dx, dy
        moved = shift(X[digit], dy=dy, dx=dx)
        np.testing.assert_array_equal(w.shown, moved)
        scores = model.scores(moved)
        np.testing.assert_allclose(w.shown_scores, scores, rtol=1e-5, atol=1e-3)
        assert w.predicted == int(np.argmax(scores))
        assert w.similarity == pytest.approx(cosine_similarity(moved, X[digit]), abs=1e-6)
    assert w.labels[19] == y[19]
    with pytest.raises(ValueError, match=r"dx must be in -6\.\.6, got 7"):
        w.dx = 7


def test_shift_explorer_refuses_too_much_data(digits):
    X, y = digits
    model = LinearModel(np.zeros((784, 10)), np.zeros(10))
    with pytest.raises(ValueError, match="MB to the page"):
        shift_explorer(model, np.repeat(X, 10, axis=0), max_shift=20, max_images=200)
