"""layer_gradient_errors: small for the course's layers, large as soon as a backward is wrong."""

import numpy as np
import pytest

from convhelpers import gradcheck, nn

RIGHT = 1e-7  # what notebook 05 calls "matches finite differences"
LAYERS = [
    "convolution, input x",
    "convolution, weights w",
    "convolution, biases b",
    "ReLU",
    "max-pool",
    "flatten",
    "dense, input x",
    "dense, weights w",
    "dense, biases b",
    "softmax cross-entropy",
]
conv_backward = nn.conv_backward  # the right one, kept before a test replaces it


def test_every_layer_matches_finite_differences():
    errors = gradcheck.layer_gradient_errors()
    assert list(errors) == LAYERS
    assert all(0 <= e < RIGHT for e in errors.values()), errors


# Wrong backward passes, each of one layer.


def relu_backward_gates_nothing(dout, cache):
    return dout * (cache >= 0)  # the cache is ReLU's output, >= 0 everywhere


def conv_backward_bias_doubled(dout, cache, *, input_grad=True):
    dx, dw, db = conv_backward(dout, cache, input_grad=input_grad)
    return dx, dw, 2 * db


def maxpool_backward_to_all_four(dout, cache):
    return np.repeat(np.repeat(dout, 2, axis=2), 2, axis=3) / 4  # not only to the maximum


def dense_backward_bias_averaged(dout, cache):
    x, w = cache
    return dout @ w.T, x.T @ dout, dout.mean(axis=0)  # the bias gradient is the sum


def flatten_backward_transposed(dout, cache):
    n, c, h, w = cache
    return dout.reshape(n, w, h, c).transpose(0, 3, 2, 1)  # the right shape, wrong order


@pytest.mark.parametrize(
    "name, wrong, fails",
    [
        ("relu_backward", relu_backward_gates_nothing, "ReLU"),
        ("conv_backward", conv_backward_bias_doubled, "convolution, biases b"),
        ("maxpool_backward", maxpool_backward_to_all_four, "max-pool"),
        ("dense_backward", dense_backward_bias_averaged, "dense, biases b"),
        ("flatten_backward", flatten_backward_transposed, "flatten"),
    ],
)
def test_a_wrong_backward_is_caught_and_only_that_one(monkeypatch, name, wrong, fails):
    monkeypatch.setattr(nn, name, wrong)
    errors = gradcheck.layer_gradient_errors()
    assert [k for k, e in errors.items() if e > 1e-2] == [fails], errors
    assert all(e < RIGHT for k, e in errors.items() if k != fails), errors


def test_backward_errors_checks_any_forward_backward_pair():
    x = np.random.default_rng(3).standard_normal((4, 5))

    def square_forward(v):
        return v**2, v

    errors = gradcheck.backward_errors(square_forward, lambda dout, v: 2 * v * dout, [x], rng=0)
    assert len(errors) == 1 and errors[0] < RIGHT
    wrong = gradcheck.backward_errors(square_forward, lambda dout, v: v * dout, [x], rng=0)
    assert wrong[0] > 0.1  # half the gradient: relative error 1/3


def test_backward_errors_wants_one_gradient_per_input():
    x, w, b = np.ones((2, 3)), np.ones((3, 4)), np.zeros(4)
    with pytest.raises(ValueError, match="3 gradients for 2 inputs"):
        gradcheck.backward_errors(
            lambda x_, w_: nn.dense_forward(x_, w_, b), nn.dense_backward, [x, w]
        )
