"""conv2d and conv2d_naive against scipy, on many shapes, dtypes and bad inputs."""

import numpy as np
import pytest
from scipy import signal

from convhelpers import KERNELS, conv2d, conv2d_naive, get_kernel, output_size, sliding_windows

IMPLEMENTATIONS = [conv2d, conv2d_naive]


def reference(image, kernel, stride=1, padding=0, flip=False):
    padded = np.pad(np.asarray(image, dtype=float), padding)
    op = signal.convolve2d if flip else signal.correlate2d
    return op(padded, kernel, mode="valid")[::stride, ::stride]


@pytest.mark.parametrize("conv", IMPLEMENTATIONS)
def test_matches_scipy_on_random_shapes(conv):
    rng = np.random.default_rng(1)
    for _ in range(150):
        h, w = rng.integers(1, 13, size=2)
        kh, kw = rng.integers(1, h + 1), rng.integers(1, w + 1)
        stride, padding = int(rng.integers(1, 4)), int(rng.integers(0, 3))
        flip = bool(rng.integers(0, 2))
        dtype = rng.choice([np.uint8, np.int16, np.int64, np.float32, np.float64])
        image = (rng.integers(0, 256, size=(h, w))).astype(dtype)
        kernel = rng.normal(size=(kh, kw))
        got = conv(image, kernel, stride=stride, padding=padding, flip=flip)
        want = reference(image, kernel, stride, padding, flip)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-9)


@pytest.mark.parametrize("conv", IMPLEMENTATIONS)
@pytest.mark.parametrize("shape", [(8, 8), (12, 10), (10, 10), (12, 8)])
def test_lesson_exercise_shapes(conv, shape):
    rng = np.random.default_rng(2)
    image = rng.integers(0, 10, size=shape)
    kernel = get_kernel("lesson 1-9")
    got = conv(image, kernel)
    assert got.shape == (shape[0] - 2, shape[1] - 2)
    np.testing.assert_allclose(got, reference(image, kernel))
    np.testing.assert_allclose(conv(image, kernel, flip=True), reference(image, kernel, flip=True))


@pytest.mark.parametrize("conv", IMPLEMENTATIONS)
def test_lesson_2x2_over_4x4_by_hand(conv):
    image = np.arange(16).reshape(4, 4)
    kernel = np.array([[1, 0], [0, -1]])
    # each output is image[i, j] - image[i+1, j+1] = -5 everywhere
    np.testing.assert_array_equal(conv(image, kernel), np.full((3, 3), -5.0))


@pytest.mark.parametrize("conv", IMPLEMENTATIONS)
def test_uint8_sobel_gives_negative_and_large_values(conv):
    image = np.zeros((5, 5), dtype=np.uint8)
    image[:, 3:] = 255  # a vertical edge
    out = conv(image, get_kernel("sobel x"))
    assert out.dtype == np.float64
    assert out.max() == 4 * 255  # above 255: no wrap-around
    assert conv(image[:, ::-1], get_kernel("sobel x")).min() == -4 * 255


@pytest.mark.parametrize("conv", IMPLEMENTATIONS)
def test_special_kernels_and_views(conv):
    rng = np.random.default_rng(3)
    image = rng.normal(size=(9, 7))
    np.testing.assert_allclose(conv(image, [[2.0]]), 2 * image)  # 1x1 kernel
    full = rng.normal(size=(9, 7))  # kernel as large as the image -> one number
    np.testing.assert_allclose(conv(image, full), [[np.sum(image * full)]])
    view = image[::-1, ::2]  # reversed, non-contiguous view
    k = rng.normal(size=(3, 2))
    np.testing.assert_allclose(conv(view, k), reference(view, k))
    np.testing.assert_allclose(conv(image.T, k), reference(image.T, k))


@pytest.mark.parametrize("conv", IMPLEMENTATIONS)
def test_inputs_are_not_modified(conv):
    image = np.arange(25.0).reshape(5, 5)
    kernel = np.arange(9.0).reshape(3, 3)
    before_i, before_k = image.copy(), kernel.copy()
    conv(image, kernel, padding=1, flip=True)
    np.testing.assert_array_equal(image, before_i)
    np.testing.assert_array_equal(kernel, before_k)


BAD = [
    (dict(image=np.zeros(5)), ValueError, "image must be 2-D"),
    (dict(image=np.zeros((2, 3, 3))), ValueError, "image must be 2-D"),
    (dict(kernel=np.zeros(3)), ValueError, "kernel must be 2-D"),
    (dict(image=np.zeros((0, 4))), ValueError, "image must not be empty"),
    (dict(kernel=np.zeros((3, 0))), ValueError, "kernel must not be empty"),
    (dict(kernel=np.ones((7, 3))), ValueError, "kernel has 7 rows"),
    (dict(kernel=np.ones((3, 9))), ValueError, "kernel has 9 columns"),
    (dict(stride=0), ValueError, "stride must be >= 1"),
    (dict(stride=1.5), TypeError, "stride must be an integer"),
    (dict(stride=True), TypeError, "stride must be an integer"),
    (dict(padding=-1), ValueError, "padding must be >= 0"),
    (dict(padding=1.0), TypeError, "padding must be an integer"),
    (
        dict(image=np.array([["a", "b"], ["c", "d"]])),
        TypeError,
        "image must be an array of numbers",
    ),
    (dict(image="not an image"), TypeError, "image must be an array of numbers"),
    (dict(kernel=np.ones((2, 2), dtype=complex)), TypeError, "kernel must hold real numbers"),
    (dict(image=np.array([[1.0, np.nan], [0, 0]])), ValueError, "image contains NaN"),
    (dict(kernel=np.array([[np.inf]])), ValueError, "kernel contains NaN or infinite"),
    (dict(flip="yes"), TypeError, "flip must be True or False"),
]


@pytest.mark.parametrize("conv", IMPLEMENTATIONS)
@pytest.mark.parametrize("changes, error, message", BAD)
def test_bad_input_names_the_argument(conv, changes, error, message):
    args = dict(image=np.ones((5, 5)), kernel=np.ones((3, 3)), stride=1, padding=0, flip=False)
    args.update(changes)
    image, kernel = args.pop("image"), args.pop("kernel")
    with pytest.raises(error, match=message):
        conv(image, kernel, **args)


def test_kernel_larger_than_image_is_fine_with_enough_padding():
    out = conv2d(np.ones((2, 2)), np.ones((3, 3)), padding=1)
    np.testing.assert_array_equal(out, [[4.0, 4.0], [4.0, 4.0]])


def test_output_size_formula():
    assert output_size(28, 3) == 26
    assert output_size(28, 3, padding=1) == 28
    assert output_size(28, 3, stride=2, padding=1) == 14
    assert output_size(4, 2) == 3
    for n, k, s, p in [(8, 3, 1, 0), (12, 3, 2, 1), (10, 4, 3, 2), (5, 5, 1, 0)]:
        assert (
            conv2d(np.ones((n, n)), np.ones((k, k)), stride=s, padding=p).shape
            == (output_size(n, k, stride=s, padding=p),) * 2
        )
    with pytest.raises(ValueError, match="larger than the padded image"):
        output_size(2, 3)
    with pytest.raises(TypeError, match="stride must be an integer"):
        output_size(5, 3, stride=2.0)


def test_sliding_windows_is_every_patch():
    x = np.arange(20).reshape(4, 5)
    w = sliding_windows(x, 2, 3, stride=2)
    assert w.shape == (2, 2, 2, 3)
    np.testing.assert_array_equal(w[1, 1], x[2:4, 2:5])
    batch = np.stack([x, -x])  # (2, 4, 5): works on leading axes too
    assert sliding_windows(batch, 3, 3).shape == (2, 2, 3, 3, 3)


def test_named_kernels():
    expected = {
        "identity",
        "box blur",
        "gaussian",
        "sharpen",
        "sobel x",
        "sobel y",
        "laplacian",
        "horizontal line",
        "vertical line",
        "lesson 1-9",
    }
    assert set(KERNELS) == expected
    for name, k in KERNELS.items():
        assert k.shape == (3, 3), name
    assert np.isclose(KERNELS["gaussian"].sum(), 1) and np.isclose(KERNELS["box blur"].sum(), 1)
    np.testing.assert_array_equal(get_kernel("Sobel_X"), KERNELS["sobel x"])
    image = np.random.default_rng(0).normal(size=(6, 6))
    np.testing.assert_allclose(conv2d(image, get_kernel("identity")), image[1:-1, 1:-1])
    k = get_kernel("sharpen")
    k[0, 0] = 99  # a copy: the library is unchanged
    assert KERNELS["sharpen"][0, 0] == 0
    with pytest.raises(ValueError, match="read-only"):
        KERNELS["sharpen"][0, 0] = 1
    with pytest.raises(ValueError, match="unknown kernel name 'blurry'"):
        get_kernel("blurry")
