"""The exercise checks of notebook 04b: right answers pass, each known mistake gets its hint."""

import numpy as np
import pytest

import convhelpers as ch
from convhelpers import check_gradient_descent, check_kernel_gradient


def right_gradient(images, targets, kernel):  # the solution in 04b
    residuals = [ch.conv2d(x, kernel) - t for x, t in zip(images, targets, strict=True)]
    total = sum(ch.conv2d(x, r) for x, r in zip(images, residuals, strict=True))
    return 2 / targets.size * total


def right_descent(images, targets, lr, num_steps):  # the solution in 04b
    kernel = np.zeros(
        (images.shape[1] - targets.shape[1] + 1, images.shape[2] - targets.shape[2] + 1)
    )
    for _ in range(num_steps):
        kernel = kernel - lr * right_gradient(images, targets, kernel)
    return kernel


def _stub(*args): ...  # an untouched exercise: the body is just `...`


def output(capsys) -> str:
    return capsys.readouterr().out


def test_the_right_gradient_passes(capsys):
    assert check_kernel_gradient(right_gradient) is True
    assert output(capsys).startswith("✅ my_gradient: right on all 2 test inputs")


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda x, t, k: -right_gradient(x, t, k), "output minus target"),
        (lambda x, t, k: right_gradient(x, t, k) / 2, "keep the 2 in 2/M"),
        (
            lambda x, t, k: right_gradient(x, t, k) * t.size / 2,
            "divide the sum by M = targets.size",
        ),
        (lambda x, t, k: right_gradient(x, t, k) * t.size / len(x), "not by the number of images"),
        (lambda x, t, k: right_gradient(x, t, k)[::-1, ::-1], "with no flip"),
        (lambda x, t, k: right_gradient(x, t, k)[:2, :2], "one number per kernel entry"),
        (lambda x, t, k: right_gradient(x, t, k) + 0.01, "2/M times the sum over the images"),
        (_stub, "you have not written the function yet"),
        (lambda x, t, k: None, "did you forget to `return`"),
    ],
)
def test_a_wrong_gradient_fails_with_its_hint(capsys, wrong, hint):
    assert check_kernel_gradient(wrong) is False
    out = output(capsys)
    assert out.startswith("❌ my_gradient:") and hint in out, out


def test_a_gradient_that_changes_its_input_is_caught(capsys):
    def in_place(images, targets, kernel):
        targets -= np.stack([ch.conv2d(x, kernel) for x in images])  # the residual, in place
        return right_gradient(images, np.zeros_like(targets), kernel)

    assert check_kernel_gradient(in_place) is False
    assert "changed its input array (argument 2 of 3" in output(capsys)


def test_the_right_descent_passes(capsys):
    assert check_gradient_descent(right_descent) is True
    assert output(capsys).startswith("✅ my_descent: right on all 2 test inputs")


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda x, t, lr, n: right_descent(x, t, lr, n - 1), "exactly num_steps steps"),
        (lambda x, t, lr, n: right_descent(x, t, lr, n + 1), "exactly num_steps steps"),
        (lambda x, t, lr, n: right_descent(x, t, lr, 0), "The kernel never changed"),
        (lambda x, t, lr, n: right_descent(x, t, -lr, n), "The gradient points uphill"),
        (lambda x, t, lr, n: (right_descent(x, t, lr, n), None), "Return only the kernel"),
        (lambda x, t, lr, n: right_descent(x, t, 2 * lr, n), "kernel = kernel - lr * gradient"),
        (_stub, "you have not written the function yet"),
    ],
)
def test_a_wrong_descent_fails_with_its_hint(capsys, wrong, hint):
    assert check_gradient_descent(wrong) is False
    out = output(capsys)
    assert out.startswith("❌ my_descent:") and hint in out, out
