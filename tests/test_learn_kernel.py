"""learn_kernel: gradient descent finds a hidden kernel from input/output pairs."""

import warnings

import numpy as np
import pytest

import convhelpers as ch
from convhelpers.learn_kernel import learn_kernel


@pytest.fixture(scope="module")
def digits():
    return ch.to_float(ch.load_digits()[0][:16]).astype(np.float64)  # (16, 28, 28) in [0, 1]


@pytest.mark.parametrize("name", ["sobel x", "laplacian"])
def test_recovers_a_hidden_kernel(digits, name):
    hidden = ch.KERNELS[name]
    targets = np.stack([ch.conv2d(x, hidden) for x in digits])  # (16, 26, 26)
    kernel, losses = learn_kernel(digits, targets, lr=1.0, num_steps=2000)
    assert kernel.shape == (3, 3) and losses.shape == (2000,)
    np.testing.assert_allclose(kernel, hidden, atol=0.02)
    assert losses[-1] < 1e-3 * losses[0]
    assert (np.diff(losses) <= 1e-12).all()  # a small enough step never goes uphill


def test_the_kernel_size_follows_from_the_shapes(digits):
    hidden = np.arange(10.0).reshape(2, 5) / 10
    targets = np.stack([ch.conv2d(x, hidden) for x in digits[:4]])  # (4, 27, 24)
    kernel, _ = learn_kernel(digits[:4], targets, lr=0.3, num_steps=5)
    assert kernel.shape == (2, 5)


def test_the_first_step_follows_the_gradient_written_with_conv2d(digits):
    hidden = ch.KERNELS["sobel y"]
    x, targets = digits[:3], np.stack([ch.conv2d(im, hidden) for im in digits[:3]])
    kernel, losses = learn_kernel(x, targets, lr=0.1, num_steps=1)
    # from zeros the residual is -targets; the gradient is 2/M * sum of conv2d(image, residual)
    grad = 2 / targets.size * sum(ch.conv2d(im, -t) for im, t in zip(x, targets, strict=True))
    np.testing.assert_allclose(kernel, -0.1 * grad, atol=1e-12)
    assert losses[0] == pytest.approx(np.mean(targets**2))


def test_too_large_a_learning_rate_makes_the_loss_grow(digits):
    targets = np.stack([ch.conv2d(x, ch.KERNELS["sobel x"]) for x in digits])
    _, losses = learn_kernel(digits, targets, lr=3.0, num_steps=20)
    assert losses[-1] > losses[0]


@pytest.mark.parametrize(
    "images, targets, error, message",
    [
        (np.zeros((2, 8, 8)), np.zeros((3, 6, 6)), ValueError, "one entry each, got 2 and 3"),
        (np.zeros((2, 8, 8)), np.zeros((2, 9, 6)), ValueError, "must be smaller than images"),
        (np.zeros((8, 8)), np.zeros((6, 6)), ValueError, "images must be 3-D"),
        ("images", np.zeros((1, 6, 6)), TypeError, "images must be an array of numbers"),
    ],
)
def test_bad_input_names_the_argument(images, targets, error, message):
    with pytest.raises(error, match=message):
        learn_kernel(images, targets)


def test_num_steps_must_be_a_positive_integer():
    with pytest.raises(ValueError, match="num_steps must be >= 1"):
        learn_kernel(np.zeros((1, 4, 4)), np.zeros((1, 2, 2)), num_steps=0)


def test_descent_keeps_every_kernel_and_learn_kernel_is_its_last(digits):
    targets = np.stack([ch.conv2d(x, ch.KERNELS["laplacian"]) for x in digits[:4]])
    kernels, losses = ch.kernel_descent(digits[:4], targets, lr=0.7, num_steps=12)
    assert kernels.shape == (13, 3, 3) and losses.shape == (13,)
    assert (kernels[0] == 0).all()
    last, before_each = learn_kernel(digits[:4], targets, lr=0.7, num_steps=12)
    np.testing.assert_array_equal(last, kernels[-1])
    np.testing.assert_array_equal(before_each, losses[:-1])
    for k, loss in zip(kernels, losses, strict=True):  # each loss is its own kernel's
        assert ch.kernel_gradient(digits[:4], targets, k)[0] == pytest.approx(loss, rel=1e-12)


def test_a_diverging_descent_stops_past_diverged_times_its_start(digits):
    targets = np.stack([ch.conv2d(x, ch.KERNELS["sobel x"]) for x in digits[:4]])
    kernels, losses = ch.kernel_descent(digits[:4], targets, lr=3.0, num_steps=200)
    stop = int(np.argmax(~(losses <= ch.DIVERGED * losses[0])))
    assert 0 < stop < 200
    assert losses[stop] > ch.DIVERGED * losses[0] and np.isfinite(losses[: stop + 1]).all()
    assert np.isinf(losses[stop + 1 :]).all() and np.isnan(kernels[stop + 1 :]).all()
    with warnings.catch_warnings():  # a rate so large that the loss overflows: no warning
        warnings.simplefilter("error")
        _, huge = ch.kernel_descent(digits[:4], targets, lr=1e200, num_steps=5)
    assert np.isfinite(huge[0]) and np.isinf(huge[1:]).all()


def test_kernel_gradient_matches_the_loss_itself(digits):
    x = digits[:3]
    targets = np.stack([ch.conv2d(im, ch.KERNELS["sobel y"]) for im in x])
    kernel = np.random.default_rng(0).normal(size=(3, 3))

    def loss(k):
        return np.mean((np.stack([ch.conv2d(im, k) for im in x]) - targets) ** 2)

    value, gradient = ch.kernel_gradient(x, targets, kernel)
    assert value == pytest.approx(loss(kernel), rel=1e-12)
    for a, b in [(0, 0), (1, 2), (2, 1)]:
        nudge = np.zeros((3, 3))
        nudge[a, b] = 1e-5
        slope = (loss(kernel + nudge) - loss(kernel - nudge)) / 2e-5
        assert gradient[a, b] == pytest.approx(slope, rel=1e-6)


def test_least_squares_finds_a_kernel_exactly_and_measures_what_it_misses(digits):
    hidden = ch.KERNELS["sobel x"]
    targets = np.stack([ch.conv2d(x, hidden) for x in digits[:4]])
    kernel, error = ch.least_squares_kernel(digits[:4], targets)
    np.testing.assert_allclose(kernel, hidden, atol=1e-9)
    assert error < 1e-9
    rectified = np.maximum(targets, 0)  # no kernel makes this: some of it is always missed
    kernel, error = ch.least_squares_kernel(digits[:4], rectified)
    residual = np.stack([ch.conv2d(x, kernel) for x in digits[:4]]) - rectified
    assert error == pytest.approx(np.sqrt(np.mean(residual**2) / np.mean(rectified**2)))
    assert 0.1 < error < 1
    assert ch.least_squares_kernel(digits[:2], np.zeros((2, 26, 26)))[1] == 0.0


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: ch.kernel_gradient(np.zeros((1, 4, 4)), np.zeros((1, 2, 2)), np.zeros((2, 2))),
            ValueError,
            r"kernel must have shape \(3, 3\) for these images and targets",
        ),
        (
            lambda: ch.kernel_gradient(np.zeros((1, 4, 4)), np.zeros((1, 2, 2)), "k"),
            TypeError,
            "kernel must be an array of numbers",
        ),
        (
            lambda: ch.least_squares_kernel(np.zeros((2, 4, 4)), np.zeros((1, 2, 2))),
            ValueError,
            "one entry each, got 2 and 1",
        ),
        (
            lambda: ch.least_squares_kernel(np.zeros((2, 4, 4)), np.zeros((2, 2))),
            ValueError,
            "targets must be 3-D",
        ),
        (
            lambda: ch.kernel_descent(np.zeros((1, 4, 4)), np.zeros((1, 2, 2)), lr=0),
            ValueError,
            "lr must be a positive number, got 0",
        ),
        (
            lambda: ch.kernel_descent(np.zeros((1, 4, 4)), np.zeros((1, 2, 2)), lr="0.1"),
            TypeError,
            "lr must be a number, got '0.1'",
        ),
        (
            lambda: ch.kernel_descent(np.zeros((1, 4, 4)), np.zeros((1, 2, 2)), num_steps=2.5),
            TypeError,
            "num_steps must be an integer",
        ),
    ],
)
def test_the_other_functions_name_the_bad_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
