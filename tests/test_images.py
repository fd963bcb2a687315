"""to_float, shift and permute_pixels."""

import numpy as np
import pytest

from convhelpers import permute_pixels, shift, to_float


def test_to_float():
    x = np.array([[0, 51, 255]], dtype=np.uint8)
    f = to_float(x)
    assert f.dtype == np.float32
    np.testing.assert_allclose(f, [[0, 0.2, 1]])
    y = np.array([[0.5]])
    assert to_float(y).dtype == np.float32 and to_float(y) is not y


def test_shift_moves_and_fills_with_zeros():
    x = np.arange(1, 10).reshape(3, 3)
    np.testing.assert_array_equal(shift(x, dy=1), [[0, 0, 0], [1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(shift(x, dx=-1), [[2, 3, 0], [5, 6, 0], [8, 9, 0]])
    np.testing.assert_array_equal(shift(x, 1, 1), [[0, 0, 0], [0, 1, 2], [0, 4, 5]])
    np.testing.assert_array_equal(shift(x, 3, 0), np.zeros((3, 3)))
    np.testing.assert_array_equal(shift(x, 0, 0), x)
    batch = np.stack([x, 10 * x]).astype(np.uint8)  # (2, 3, 3): every image moves the same way
    out = shift(batch, -1, 0)
    assert out.dtype == np.uint8 and out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out[1], 10 * shift(x, -1, 0))
    with pytest.raises(TypeError, match="dy must be an integer"):
        shift(x, 0.5)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        shift(np.ones(4), 1)


def test_shift_down_then_up_recovers_the_middle():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(28, 28))
    np.testing.assert_array_equal(shift(shift(x, 4, -2), -4, 2)[:24, 2:], x[:24, 2:])


def test_permute_and_unpermute():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 4, 6), dtype=np.uint8)
    perm = rng.permutation(24)
    shuffled = permute_pixels(images, perm)
    assert shuffled.shape == images.shape
    np.testing.assert_array_equal(shuffled.reshape(5, -1), images.reshape(5, -1)[:, perm])
    np.testing.assert_array_equal(permute_pixels(shuffled, np.argsort(perm)), images)
    np.testing.assert_array_equal(np.sort(shuffled, axis=None), np.sort(images, axis=None))
    with pytest.raises(ValueError, match="perm must be a permutation of 0..23"):
        permute_pixels(images, np.arange(23))
    with pytest.raises(ValueError, match="perm must be a permutation"):
        permute_pixels(images, np.zeros(24, int))
