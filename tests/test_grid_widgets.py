"""Widgets of notebooks 01-03, driven from Python: move a slider, check what is displayed."""

import re

import numpy as np
import pytest

from convhelpers import (
    LinearModel,
    adjust,
    brightness_contrast,
    colorize,
    cosine_similarity,
    digit_window,
    html_grid,
    load_digits,
    load_photo,
    outline,
    permute_pixels,
    photo_window,
    png_bytes,
    shift,
    shift_explorer,
    shuffle_explorer,
    upscale,
)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    return X[:20], y[:20]


def _png(grid, scale):
    return png_bytes(upscale(colorize(grid, 0, 255), scale))


def _numbers(text):
    """Signed decimals shown in an HTML string, in order."""
    return [float(v) for v in re.findall(r"[+-]\d+\.\d+", text)]


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


def test_digit_window_follows_the_sliders(digits):
    X, y = digits
    w = digit_window(X, y, window=5)
    w.digit.value = 3
    w.row.value, w.col.value = 10, 7
    patch = X[3, 10:15, 7:12]
    assert w.grid.value == html_grid(patch, vmin=0, vmax=255, caption="image[10:15, 7:12]")
    assert f"label {y[3]}" in w.info.value and f"largest value is {patch.max()}" in w.info.value
    before = w.picture.value
    w.col.value = 8
    assert w.picture.value != before
    assert w.grid.value == html_grid(
        X[3, 10:15, 8:13], vmin=0, vmax=255, caption="image[10:15, 8:13]"
    )
    assert w.row.max == 28 - 5 and w.digit.max == 19


def test_digit_window_picture_is_the_digit_with_an_orange_square(digits):
    X, _ = digits
    w = digit_window(X, window=4, scale=2)
    w.digit.value, w.row.value, w.col.value = 1, 3, 5
    big = upscale(colorize(X[1], 0, 255), 2)  # (56, 56, 3)
    expected = outline(big, 6, 10, 8, 8, (230, 97, 0), thickness=2)
    assert w.picture.value == png_bytes(expected)
    assert w.picture.value != _png(X[1], 2)


def test_digit_window_bad_window(digits):
    with pytest.raises(ValueError, match="window must be at most 28"):
        digit_window(digits[0], window=29)
    with pytest.raises(ValueError, match="labels must have one entry per image"):
        digit_window(digits[0], digits[1][:3])


def test_photo_window_shows_the_three_channels():
    photo = load_photo()
    w = photo_window(photo, window=4)
    w.row.value, w.col.value = 200, 300
    patch = photo[200:204, 300:304]
    for k, name in enumerate(("red", "green", "blue")):
        caption = f"{name}: [..., {k}]"
        assert w.grids[k].value == html_grid(patch[..., k], vmin=0, vmax=255, caption=caption)
    assert w.zoom.value == png_bytes(upscale(np.ascontiguousarray(patch), 24))
    with pytest.raises(ValueError, match="photo must be uint8"):
        photo_window(photo[..., :2])


def test_brightness_contrast_shows_wrapped_and_clipped(digits):
    image = digits[0][0]
    w = brightness_contrast(image, scale=3)
    assert w.wrapped.value == w.clipped.value == w.original.value  # nothing to clip yet
    w.brightness.value = 80
    assert w.wrapped.value == _png(adjust(image, brightness=80, clip=False), 3)
    assert w.clipped.value == _png(adjust(image, brightness=80), 3)
    outside = int(np.count_nonzero(image.astype(int) + 80 > 255))
    assert f"{outside} of 784 pixels" in w.info.value
    r, c = np.unravel_index(np.argmax(image), image.shape)
    assert f"without clipping <b>{(int(image[r, c]) + 80) % 256}</b>" in w.info.value
    w.invert.value = True
    w.contrast.value = 0.5
    expected = adjust(image, brightness=80, contrast=0.5, invert=True)
    assert w.clipped.value == _png(expected, 3)


# --- 02 -----------------------------------------------------------------------


def test_shuffle_explorer_shuffles_and_restores(digits):
    X, y = digits
    perm = np.random.default_rng(0).permutation(784)
    w = shuffle_explorer(X, y, perm, scale=2)
    w.digit.value = 5
    assert w.picture.value == _png(permute_pixels(X[5], perm), 2)
    assert w.original.value == _png(X[5], 2)
    assert f"{int(X[5].sum()):,}" in w.info.value
    assert "Same histogram of values: yes" in w.info.value
    assert "pixel for pixel: <b>no</b>" in w.info.value
    w.mode.value = "unshuffled"
    assert w.picture.value == w.original.value
    assert "pixel for pixel: <b>yes</b>" in w.info.value
    with pytest.raises(ValueError, match="perm must be a permutation"):
        shuffle_explorer(X, y, np.arange(10))


# --- 03 -----------------------------------------------------------------------


def test_shift_explorer_shows_the_models_scores(digits):
    X, y = digits
    rng = np.random.default_rng(0)
    model = LinearModel(rng.normal(size=(784, 10)), rng.normal(size=10))
    w = shift_explorer(model, X, y, max_shift=6, scale=2)
    for digit, dx, dy in [(0, 0, 0), (2, 3, -2), (2, -6, 6)]:
        w.digit.value, w.dx.value, w.dy.value = digit, dx, dy
        moved = shift(X[digit], dy=dy, dx=dx)
        scores = model.scores(moved)
        np.testing.assert_allclose(_numbers(w.bars.value), scores, atol=0.006)
        predicted = int(np.argmax(scores))
        assert f"predicted <b>{predicted}</b> (true {y[digit]})" in w.info.value
        assert f"<b>{cosine_similarity(moved, X[digit]):.3f}</b>" in w.info.value
        rows = w.bars.value.split("<tr")
        assert [r for r in rows if "◀ predicted" in r] == [
            r for r in rows if f">class {predicted}</td>" in r
        ]
        assert f">class {y[digit]}</td>" in next(r for r in rows if "(true class)" in r)
        assert w.picture.value == _png(moved, 2)
    assert w.dx.min == -6 and w.dy.max == 6
