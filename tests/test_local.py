"""LocallyConnected2D: fast == loops, gradients == finite differences, per-position weights."""

import numpy as np
import pytest

from convhelpers import nn
from convhelpers.local import (
    LocallyConnected2D,
    locally_connected_backward,
    locally_connected_backward_naive,
    locally_connected_cnn,
    locally_connected_forward,
    locally_connected_forward_naive,
    locally_connected_params,
)
from convhelpers.models import global_pool_cnn
from convhelpers.train import gradient_check

CASES = [  # (N, C, H, W, F, k, stride, padding)
    (2, 3, 7, 6, 4, 3, 1, 1),
    (2, 2, 8, 9, 3, 3, 2, 0),
    (1, 1, 5, 5, 2, 2, 2, 1),
    (3, 2, 6, 6, 2, 1, 1, 0),
    (1, 3, 10, 10, 2, 3, 3, 1),
]


def make(case, seed=0):
    n, c, h, w, f, k, stride, padding = case
    r = np.random.default_rng(seed)
    out_h = (h + 2 * padding - k) // stride + 1
    out_w = (w + 2 * padding - k) // stride + 1
    x = r.standard_normal((n, c, h, w))
    weights = r.standard_normal((out_h, out_w, f, c, k, k))
    b = r.standard_normal((out_h, out_w, f))
    return x, weights, b, {"stride": stride, "padding": padding}


@pytest.mark.parametrize("case", CASES)
def test_fast_equals_loops_forward_and_backward(case):
    x, w, b, kw = make(case)
    fast, fast_cache = locally_connected_forward(x, w, b, **kw)
    slow, slow_cache = locally_connected_forward_naive(x, w, b, **kw)
    assert fast.shape == slow.shape == (x.shape[0], w.shape[2], w.shape[0], w.shape[1])
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-12)
    dout = np.random.default_rng(1).standard_normal(fast.shape)
    grads_fast = locally_connected_backward(dout, fast_cache)
    grads_slow = locally_connected_backward_naive(dout, slow_cache)
    for g_fast, g_slow, like in zip(grads_fast, grads_slow, (x, w, b), strict=True):
        assert g_fast.shape == g_slow.shape == like.shape
        np.testing.assert_allclose(g_fast, g_slow, rtol=1e-12, atol=1e-12)


GRAD_CASES = [(2, 2, 5, 4, 3, 3, 1, 1), (1, 2, 6, 7, 2, 3, 2, 0), (1, 1, 5, 5, 2, 2, 2, 1)]


@pytest.mark.parametrize("case", GRAD_CASES)
@pytest.mark.parametrize("naive", [False, True])
def test_gradients_match_finite_differences(case, naive):
    x, w, b, kw = make(case, seed=2)
    forward = locally_connected_forward_naive if naive else locally_connected_forward
    backward = locally_connected_backward_naive if naive else locally_connected_backward
    out, cache = forward(x, w, b, **kw)
    dout = np.random.default_rng(3).standard_normal(out.shape)
    grads = backward(dout, cache)
    for arr, grad in zip((x, w, b), grads, strict=True):
        error = gradient_check(lambda _: np.sum(forward(x, w, b, **kw)[0] * dout), arr, grad)
        assert error < 1e-7


def test_equal_filters_everywhere_give_the_convolution():
    # Weight sharing is the only difference: copy one conv's filters to every position.
    x, _, _, kw = make(CASES[0])
    r = np.random.default_rng(4)
    conv_w, conv_b = r.standard_normal((4, 3, 3, 3)), r.standard_normal(4)
    conv, _ = nn.conv_forward(x, conv_w, conv_b, **kw)
    out_h, out_w = conv.shape[2:]
    w = np.broadcast_to(conv_w, (out_h, out_w, *conv_w.shape)).copy()
    b = np.broadcast_to(conv_b, (out_h, out_w, 4)).copy()
    local, _ = locally_connected_forward(x, w, b, **kw)
    np.testing.assert_allclose(local, conv, rtol=1e-12, atol=1e-12)


def test_each_position_uses_only_its_own_filters():
    x, w, b, kw = make((1, 1, 5, 5, 2, 3, 1, 1))
    out, _ = locally_connected_forward(x, w, b, **kw)
    w2 = w.copy()
    w2[2, 3] += 1.0  # change the filters of position (2, 3) only
    out2, _ = locally_connected_forward(x, w2, b, **kw)
    changed = np.argwhere(np.abs(out2 - out).sum(axis=(0, 1)) > 0)
    assert changed.tolist() == [[2, 3]]


def test_layer_shapes_dtype_params_and_gradient_names():
    layer = LocallyConnected2D(1, 8, 3, (28, 28), padding=1, rng=0)
    assert layer.params["w"].shape == (28, 28, 8, 1, 3, 3)
    assert layer.params["b"].shape == (28, 28, 8)
    n_params = sum(p.size for p in layer.params.values())
    assert n_params == locally_connected_params(28, 28, 1, 8, 3) == 28 * 28 * 8 * 10
    x = np.random.default_rng(0).random((2, 1, 28, 28), dtype=np.float32)
    out = layer.forward(x)
    assert out.shape == (2, 8, 28, 28) and out.dtype == np.float32
    assert layer.output_shape((1, 28, 28)) == (8, 28, 28)
    dx = layer.backward(np.ones_like(out))
    assert dx.shape == x.shape and dx.dtype == np.float32
    assert set(layer.grads) == {"w", "b"} and layer.grads["w"].shape == layer.params["w"].shape
    assert "LocallyConnected2D(1→8, 3×3, 28×28 positions)" == repr(layer)


def test_layer_refuses_another_image_size_and_bad_arguments():
    layer = LocallyConnected2D(1, 2, 3, (10, 10), rng=0)
    with pytest.raises(ValueError, match="built for images of"):
        layer.forward(np.zeros((1, 1, 12, 12), np.float32))
    with pytest.raises(ValueError, match="input_size"):
        LocallyConnected2D(1, 2, 3, (10,))
    with pytest.raises(TypeError, match="kernel_size"):
        LocallyConnected2D(1, 2, 3.0, (10, 10))
    with pytest.raises(TypeError, match="float"):
        locally_connected_forward(np.zeros((1, 1, 4, 4), int), np.zeros((2, 2, 1, 1, 3, 3)), 0)
    with pytest.raises(ValueError, match="does not fit"):
        locally_connected_forward(
            np.zeros((1, 1, 4, 4)), np.zeros((3, 3, 1, 1, 3, 3)), np.zeros((3, 3, 1))
        )


def test_params_formula_and_its_argument_checks():
    assert locally_connected_params(1000, 1000, 1, 32, 3) == 320_000_000  # 1 MP, 32 filters
    with pytest.raises(ValueError, match="out_h"):
        locally_connected_params(0, 5, 1, 1, 3)


def test_locally_connected_cnn_differs_from_global_pool_cnn_in_its_first_layer_only():
    lc, gp = locally_connected_cnn(seed=0), global_pool_cnn(seed=0)
    assert isinstance(lc.layers[0], LocallyConnected2D)
    assert [repr(a) for a in lc.layers[1:]] == [repr(a) for a in gp.layers[1:]]
    for a, b in zip(lc.layers[1:], gp.layers[1:], strict=True):
        for name in a.params:
            np.testing.assert_array_equal(a.params[name], b.params[name])
    assert lc.input_shape == (1, 28, 28)
    assert lc.scores(np.zeros((3, 28, 28), np.uint8)).shape == (3, 10)
    assert locally_connected_cnn(seed=0, input_size=(48, 48)).layers[0].params["w"].shape[:2] == (
        48,
        48,
    )
