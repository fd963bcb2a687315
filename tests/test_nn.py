"""Layer functions: fast conv == loop conv, and every backward pass gradient-checked."""

import numpy as np
import pytest

from convhelpers import backward_errors, nn, softmax_cross_entropy
from convhelpers.train import gradient_check

TOL = 1e-6  # relative error of a correct float64 gradient


def rng():
    return np.random.default_rng(1234)


def check_input_grad(forward, backward, x, *params, **kw):
    """Relative errors of dx and of each parameter's gradient (gradcheck.backward_errors)."""
    return backward_errors(lambda *arrays: forward(*arrays, **kw), backward, (x, *params), 1234)


CONV_CASES = [  # (N, C, H, W, F, k, stride, padding)
    (2, 3, 7, 6, 4, 3, 1, 1),
    (2, 2, 8, 9, 3, 3, 2, 0),
    (1, 1, 5, 5, 2, 2, 2, 1),
    (3, 2, 6, 6, 2, 1, 1, 0),
    (2, 4, 9, 7, 5, 5, 1, 2),
    (1, 3, 10, 10, 2, 3, 3, 1),
]


@pytest.mark.parametrize("case", CONV_CASES)
def test_fast_conv_equals_loop_conv(case):
    n, c, h, w, f, k, stride, padding = case
    r = rng()
    x = r.standard_normal((n, c, h, w))
    weights = r.standard_normal((f, c, k, k))
    b = r.standard_normal(f)
    fast, fast_cache = nn.conv_forward(x, weights, b, stride=stride, padding=padding)
    slow, slow_cache = nn.conv_forward_naive(x, weights, b, stride=stride, padding=padding)
    assert fast.shape == slow.shape == (n, f, (h + 2 * padding - k) // stride + 1, fast.shape[3])
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-12)
    dout = r.standard_normal(fast.shape)
    for g_fast, g_slow in zip(
        nn.conv_backward(dout, fast_cache), nn.conv_backward_naive(dout, slow_cache), strict=True
    ):
        assert g_fast.shape == g_slow.shape
        np.testing.assert_allclose(g_fast, g_slow, rtol=1e-12, atol=1e-12)


def test_conv_matches_hand_computed_value():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    w = np.ones((1, 1, 2, 2))
    out, _ = nn.conv_forward(x, w, np.array([0.5]))
    # top-left patch 0 + 1 + 4 + 5 = 10, plus the bias
    assert out[0, 0, 0, 0] == 10.5
    assert out.shape == (1, 1, 3, 3)


def test_conv_float32_stays_float32_and_input_grad_can_be_skipped():
    r = rng()
    x = r.standard_normal((2, 3, 6, 6)).astype(np.float32)
    w = r.standard_normal((4, 3, 3, 3)).astype(np.float32)
    out, cache = nn.conv_forward(x, w, np.zeros(4, np.float32), padding=1)
    assert out.dtype == np.float32
    dx, dw, db = nn.conv_backward(np.ones_like(out), cache, input_grad=False)
    assert dx is None and dw.dtype == np.float32 and dw.shape == w.shape and db.shape == (4,)


@pytest.mark.parametrize("case", CONV_CASES[:4])
@pytest.mark.parametrize("naive", [False, True])
def test_conv_gradients(case, naive):
    n, c, h, w, f, k, stride, padding = case
    r = rng()
    x, weights, b = r.standard_normal((n, c, h, w)), r.standard_normal((f, c, k, k)), r.random(f)
    fwd, bwd = (
        (nn.conv_forward_naive, nn.conv_backward_naive)
        if naive
        else (nn.conv_forward, nn.conv_backward)
    )
    errors = check_input_grad(fwd, bwd, x, weights, b, stride=stride, padding=padding)
    assert max(errors) < TOL, errors


def test_relu_gradient():
    x = rng().standard_normal((3, 4, 5))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink
    (error,) = check_input_grad(nn.relu_forward, nn.relu_backward, x)
    assert error < TOL
    out, _ = nn.relu_forward(np.array([-2.0, 0.0, 3.0]))
    np.testing.assert_array_equal(out, [0, 0, 3])


@pytest.mark.parametrize("shape", [(2, 3, 6, 8), (1, 2, 7, 5)])
def test_maxpool_values_and_gradient(shape):
    x = rng().standard_normal(shape)
    out, _ = nn.maxpool_forward(x)
    h, w = shape[2] // 2, shape[3] // 2
    blocks = x[:, :, : 2 * h, : 2 * w].reshape(shape[0], shape[1], h, 2, w, 2)
    np.testing.assert_array_equal(out, blocks.max(axis=(3, 5)))
    (error,) = check_input_grad(nn.maxpool_forward, nn.maxpool_backward, x)
    assert error < TOL


def test_maxpool_tie_sends_gradient_to_one_input_only():
    x = np.zeros((1, 1, 2, 4))
    x[0, 0, :, 2:] = [[1.0, 3.0], [3.0, 0.0]]  # first block all equal, second: tie at b and c
    out, cache = nn.maxpool_forward(x)
    dx = nn.maxpool_backward(np.array([[[[5.0, 7.0]]]]), cache)
    np.testing.assert_array_equal(dx[0, 0], [[5.0, 0.0, 0.0, 7.0], [0.0, 0.0, 0.0, 0.0]])
    assert dx.sum() == 12.0  # nothing counted twice


def test_global_avg_pool_values_and_gradient():
    x = rng().standard_normal((2, 3, 4, 5))
    out, _ = nn.global_avg_pool_forward(x)
    np.testing.assert_allclose(out, x.mean(axis=(2, 3)))
    (error,) = check_input_grad(nn.global_avg_pool_forward, nn.global_avg_pool_backward, x)
    assert error < TOL


def test_flatten_round_trip_and_gradient():
    x = rng().standard_normal((2, 3, 4, 5))
    out, cache = nn.flatten_forward(x)
    assert out.shape == (2, 60)
    np.testing.assert_array_equal(out[1], x[1].ravel())
    np.testing.assert_array_equal(nn.flatten_backward(out, cache), x)
    (error,) = check_input_grad(nn.flatten_forward, nn.flatten_backward, x)
    assert error < TOL


def test_dense_values_and_gradients():
    r = rng()
    x, w, b = r.standard_normal((4, 6)), r.standard_normal((6, 3)), r.standard_normal(3)
    out, _ = nn.dense_forward(x, w, b)
    np.testing.assert_allclose(out, x @ w + b)
    errors = check_input_grad(nn.dense_forward, nn.dense_backward, x, w, b)
    assert max(errors) < TOL, errors


def test_softmax_cross_entropy_gradient():
    r = rng()
    scores, y = r.standard_normal((5, 10)), r.integers(0, 10, 5)
    _, dscores = softmax_cross_entropy(scores, y)
    assert gradient_check(lambda s: softmax_cross_entropy(s, y)[0], scores, dscores) < TOL


def test_gradient_check_detects_a_wrong_gradient():
    x = rng().standard_normal(5)
    assert gradient_check(lambda v: np.sum(v**2), x, 2 * x) < TOL
    assert gradient_check(lambda v: np.sum(v**2), x, 2.1 * x) > 1e-2
    with pytest.raises(ValueError, match="df"):
        gradient_check(lambda v: np.sum(v), x, np.ones(4))


def test_bad_inputs_name_the_argument():
    x = np.zeros((2, 3, 5, 5))
    with pytest.raises(ValueError, match="input channels"):
        nn.conv_forward(x, np.zeros((4, 2, 3, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="b must have shape"):
        nn.conv_forward(x, np.zeros((4, 3, 3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="x must be 4-D"):
        nn.conv_forward(np.zeros((3, 5, 5)), np.zeros((4, 3, 3, 3)), np.zeros(4))
    with pytest.raises(TypeError, match="x must be a float array"):
        nn.conv_forward(x.astype(np.uint8), np.zeros((4, 3, 3, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="kernel size"):
        nn.conv_forward(x, np.zeros((4, 3, 7, 7)), np.zeros(4))
    with pytest.raises(ValueError, match="stride"):
        nn.conv_forward(x, np.zeros((4, 3, 3, 3)), np.zeros(4), stride=0)
    with pytest.raises(ValueError, match="shapes do not fit"):
        nn.dense_forward(np.zeros((2, 5)), np.zeros((4, 3)), np.zeros(3))


def test_blas_threads_limits_numpys_matrix_products():
    from threadpoolctl import threadpool_info

    with nn.blas_threads():
        blas = [lib for lib in threadpool_info() if lib["user_api"] == "blas"]
        assert blas and all(lib["num_threads"] == nn.BLAS_THREADS for lib in blas)
