"""learn_kernel: gradient descent finds a hidden kernel from input/output pairs."""

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
