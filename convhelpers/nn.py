"""Neural-network layers as plain functions, each with a forward and a backward pass.

The CS231n shape: ``forward(inputs...) -> (out, cache)`` keeps what the backward
pass will need in ``cache``; ``backward(dout, cache)`` turns the gradient of the
loss with respect to ``out`` into gradients with respect to the inputs and the
parameters. Images are batches of shape (N, C, H, W): N images, C channels.

The convolution comes twice: ``conv_forward_naive``/``conv_backward_naive`` are
loops to read, ``conv_forward``/``conv_backward`` are the same maths as one
matrix product ("im2col") and run thousands of times faster. The loss is
:func:`convhelpers.softmax_cross_entropy`.

Every function keeps the dtype of its inputs: float32 for training, float64 for
gradient checks.

Speed: the fast layers store (N, C, H, W) arrays with the channels last in memory
(as (N, H, W, C) seen through ``transpose``), because the im2col copy and the
pooling run several times faster that way. Shapes and results do not change.
"""

import functools

import numpy as np
from threadpoolctl import ThreadpoolController

from ._validate import as_int
from .conv import output_size, sliding_windows

# Threads for numpy's matrix products (BLAS) while training and predicting.
# One: on the 2-core machines the course runs on, 2 threads made a training step
# faster only on an otherwise idle machine, and several times slower as soon as
# anything else wanted a core (a browser, the Jupyter server, a neighbour's job):
# OpenBLAS threads wait for each other. Training uses the second core another
# way (convhelpers.train: each half of a batch on its own thread, one BLAS
# thread each). benchmarks/step_vs_torch.py measures all of these.
BLAS_THREADS = 1


def blas_threads():
    """Context manager: numpy's matrix products use BLAS_THREADS threads inside it."""
    return _blas_controller().limit(limits=BLAS_THREADS, user_api="blas")


@functools.cache
def _blas_controller() -> ThreadpoolController:
    """Finds numpy's BLAS once (entering a limit is then 8 us instead of 250 us)."""
    return ThreadpoolController()


__all__ = [
    "conv_backward",
    "conv_backward_naive",
    "conv_forward",
    "conv_forward_naive",
    "dense_backward",
    "dense_forward",
    "flatten_backward",
    "flatten_forward",
    "global_avg_pool_backward",
    "global_avg_pool_forward",
    "maxpool_backward",
    "maxpool_forward",
    "relu_backward",
    "relu_forward",
]


def _as_batch(x, name: str, ndim: int) -> np.ndarray:
    """x as a float array with ndim dimensions (cheap checks only: this is the hot path)."""
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must be a float array, got dtype {x.dtype} (use ch.to_float)")
    if x.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {x.shape}")
    return x


def _conv_args(x, w, b, stride, padding):
    """Validate conv_forward's arguments; return them with the output size (Ho, Wo)."""
    x = _as_batch(x, "x", 4)
    w = _as_batch(w, "w", 4)
    b = _as_batch(b, "b", 1)
    if w.shape[1] != x.shape[1]:
        raise ValueError(
            f"w has {w.shape[1]} input channels but x has {x.shape[1]} "
            f"(x: (N, C, H, W) = {x.shape}, w: (F, C, kh, kw) = {w.shape})"
        )
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape ({w.shape[0]},) (one per filter), got {b.shape}")
    stride = as_int(stride, "stride", 1)
    padding = as_int(padding, "padding", 0)
    out_h = output_size(x.shape[2], w.shape[2], stride=stride, padding=padding)
    out_w = output_size(x.shape[3], w.shape[3], stride=stride, padding=padding)
    return x, w, b, stride, padding, out_h, out_w


def _pad(x: np.ndarray, padding: int) -> np.ndarray:
    """Zeros around the last two axes: (N, C, H, W) -> (N, C, H + 2p, W + 2p).

    The result's memory order is channels-last (see conv_forward).
    """
    if padding == 0:
        return x
    n, c, h, w = x.shape
    p = padding
    xp = np.zeros((n, h + 2 * p, w + 2 * p, c), x.dtype)  # (N, H+2p, W+2p, C) in memory
    xp[:, p : p + h, p : p + w, :] = x.transpose(0, 2, 3, 1)
    return xp.transpose(0, 3, 1, 2)


# --- convolution, the readable version ---------------------------------------


def conv_forward_naive(x, w, b, *, stride: int = 1, padding: int = 0):
    """Convolution layer with loops: x (N, C, H, W), w (F, C, kh, kw), b (F,) -> (out, cache).

    out: (N, F, Ho, Wo) with Ho = (H + 2*padding - kh) // stride + 1 (Wo alike).
    Output channel f is the sum over input channels of each channel's 2-D
    cross-correlation with its own kh x kw slice w[f, c], plus the bias b[f].
    """
    x, w, b, stride, padding, out_h, out_w = _conv_args(x, w, b, stride, padding)
    n_images, n_filters = x.shape[0], w.shape[0]
    kh, kw = w.shape[2:]
    xp = _pad(x, padding)
    out = np.zeros((n_images, n_filters, out_h, out_w), dtype=np.result_type(x, w))
    for n in range(n_images):
        for f in range(n_filters):
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * stride, j * stride
                    patch = xp[n, :, top : top + kh, left : left + kw]  # (C, kh, kw)
                    out[n, f, i, j] = np.sum(patch * w[f]) + b[f]
    return out, (x, w, b, stride, padding)


def conv_backward_naive(dout, cache):
    """Gradients of the loop convolution: dout (N, F, Ho, Wo) -> (dx, dw, db).

    dx: (N, C, H, W), dw: (F, C, kh, kw), db: (F,). Each output value
    out[n, f, i, j] touched one patch, so it sends dout[n, f, i, j] * w[f] back
    to that patch of x, and dout[n, f, i, j] * patch to w[f].
    """
    x, w, b, stride, padding = cache
    dout = _as_batch(dout, "dout", 4)
    kh, kw = w.shape[2:]
    xp = _pad(x, padding)
    dxp = np.zeros_like(xp, dtype=np.result_type(x, w))
    dw = np.zeros_like(w)
    for n in range(dout.shape[0]):
        for f in range(dout.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    top, left = i * stride, j * stride
                    g = dout[n, f, i, j]
                    dxp[n, :, top : top + kh, left : left + kw] += g * w[f]
                    dw[f] += g * xp[n, :, top : top + kh, left : left + kw]
    db = dout.sum(axis=(0, 2, 3)).astype(b.dtype)
    dx = dxp[:, :, padding : padding + x.shape[2], padding : padding + x.shape[3]]
    return dx, dw, db


# --- convolution, the fast version -------------------------------------------


def conv_forward(x, w, b, *, stride: int = 1, padding: int = 0):
    """Convolution layer as one matrix product: the same result as conv_forward_naive.

    x (N, C, H, W), w (F, C, kh, kw), b (F,) -> (out, cache), out (N, F, Ho, Wo).
    "im2col": lay every kh x kw patch (all channels) out as one row of a matrix,
    then one matrix product with the filters gives every output value at once.
    Each row ends with a 1 and each filter with its bias (the "bias trick"), so
    the same product adds the bias, and in conv_backward gives db with dw.
    """
    x, w, b, stride, padding, out_h, out_w = _conv_args(x, w, b, stride, padding)
    n_images, channels = x.shape[:2]
    n_filters, _, kh, kw = w.shape
    k = kh * kw * channels  # numbers in one patch
    # Speed: the arrays *look* like (N, C, H, W), but in memory the channels come
    # last (N, H, W, C): then a patch's numbers sit side by side and the copy
    # below is ~10x faster. Our layers keep that memory order from layer to layer.
    windows = sliding_windows(_pad(x, padding), kh, kw, stride)  # (N, C, Ho, Wo, kh, kw), a view
    # The copy: one row per output position (n, i, j), one column per (a, b, c), then the 1.
    if channels > 1:
        cols = np.empty((n_images, out_h, out_w, k + 1), x.dtype)
        cols[..., :k].reshape(n_images, out_h, out_w, kh, kw, channels)[...] = windows.transpose(
            0, 2, 3, 4, 5, 1
        )
        cols[..., k] = 1
        cols = cols.reshape(n_images * out_h * out_w, k + 1)
    else:  # the same matrix stored column by column: copying along image rows is 7x faster
        cols_t = np.empty((k + 1, n_images, out_h, out_w), x.dtype)
        cols_t[:k].reshape(kh, kw, n_images, out_h, out_w)[...] = windows[:, 0].transpose(
            3, 4, 0, 1, 2
        )
        cols_t[k] = 1
        cols = cols_t.reshape(k + 1, -1).T
    w_rows = np.empty((n_filters, k + 1), np.result_type(w, b))  # the same column order
    w_rows[:, :k] = w.transpose(0, 2, 3, 1).reshape(n_filters, k)
    w_rows[:, k] = b
    out = cols @ w_rows.T  # (N*Ho*Wo, F)
    # (N, Ho, Wo, F) in memory, seen as (N, F, Ho, Wo): no copy.
    out = out.reshape(n_images, out_h, out_w, n_filters).transpose(0, 3, 1, 2)
    return out, (x.shape, cols, w_rows, w.shape, stride, padding)


def conv_backward(dout, cache, *, input_grad: bool = True):
    """Gradients of conv_forward: dout (N, F, Ho, Wo) -> (dx, dw, db).

    dx: (N, C, H, W) (None when input_grad=False, e.g. for the images
    themselves), dw: (F, C, kh, kw), db: (F,).
    """
    x_shape, cols, w_rows, w_shape, stride, padding = cache
    dout = _as_batch(dout, "dout", 4)
    n_images, n_filters, out_h, out_w = dout.shape
    d2 = dout.transpose(0, 2, 3, 1).reshape(-1, n_filters)  # (N*Ho*Wo, F), rows as in cols
    n_filters, channels, kh, kw = w_shape
    # One product gives dw and, from the column of ones, db (the bias trick).
    dw_rows = (cols.T @ d2).T  # (F, kh*kw*C + 1)
    dw = dw_rows[:, :-1].reshape(n_filters, kh, kw, channels).transpose(0, 3, 1, 2)
    dw, db = np.ascontiguousarray(dw), dw_rows[:, -1].copy()  # (F, C, kh, kw), (F,)
    if not input_grad:
        return None, dw, db
    # "col2im": patches overlap, so go by kernel offset (a, b): each sends
    # dout @ w[:, :, a, b] back to the inputs it touched, one slice shifted by (a, b).
    # The kh*kw products run in one call (a stack of (F, C) matrices).
    _, _, height, width = x_shape
    w_offsets = w_rows[:, :-1].reshape(n_filters, kh * kw, channels).transpose(1, 0, 2)
    shares = np.matmul(d2, w_offsets)  # (kh*kw, N*Ho*Wo, C)
    shares = shares.reshape(kh, kw, n_images, out_h, out_w, channels)
    dxp = np.zeros((n_images, height + 2 * padding, width + 2 * padding, channels), d2.dtype)
    rows, columns = stride * out_h, stride * out_w
    for a in range(kh):
        for b in range(kw):
            dxp[:, a : a + rows : stride, b : b + columns : stride, :] += shares[a, b]
    dx = dxp[:, padding : padding + height, padding : padding + width, :]  # (N, H, W, C)
    return dx.transpose(0, 3, 1, 2), dw, db


# --- element-wise and pooling layers -----------------------------------------


def relu_forward(x):
    """ReLU, max(x, 0) element-wise: x (any shape) -> (out, cache), out the same shape."""
    x = np.asarray(x)
    out = np.maximum(x, 0)
    return out, out


def relu_backward(dout, cache):
    """Gradient of ReLU: dout passes where the output was positive, 0 elsewhere."""
    return dout * (cache > 0)


def _quarters(x_last):
    """The four strided sub-grids of 2x2 blocks, as one (2, 2, ...) view, channels last.

    x_last (N, H, W, C) -> view (2, 2, N, H//2, W//2, C) whose [i, j] is
    x_last[:, i::2, j::2, :] (an odd last row or column is dropped).
    """
    n, h, w, c = x_last.shape
    x_last = x_last[:, : h // 2 * 2, : w // 2 * 2]
    return x_last.reshape(n, h // 2, 2, w // 2, 2, c).transpose(2, 4, 0, 1, 3, 5)


def maxpool_forward(x):
    """2x2 max-pooling with stride 2: x (N, C, H, W) -> (out (N, C, H//2, W//2), cache).

    The element-wise maximum of the four strided sub-grids a = x[:, :, 0::2, 0::2],
    b = x[:, :, 0::2, 1::2], c = x[:, :, 1::2, 0::2], d = x[:, :, 1::2, 1::2]
    (an odd last row or column is dropped).
    """
    x = _as_batch(x, "x", 4)
    # Speed: one copy puts each sub-grid in a block of its own; numpy then runs
    # along whole blocks instead of hopping between 2x2 neighbours (3x faster).
    (a, b), (c, d) = quarters = np.ascontiguousarray(_quarters(x.transpose(0, 2, 3, 1)))
    top, bottom = np.maximum(a, b), np.maximum(c, d)  # (N, H//2, W//2, C)
    out = np.maximum(top, bottom)
    return out.transpose(0, 3, 1, 2), (x.shape, quarters, top, bottom)


def maxpool_backward(dout, cache):
    """Gradient of max-pooling: each dout value goes to the input that was the maximum.

    dout (N, C, H//2, W//2) -> dx (N, C, H, W); the other three inputs of each
    2x2 block get 0. On a tie the first in reading order (a, b, c, d) wins, so
    no gradient is counted twice.
    """
    (n, channels, height, width), ((a, b), (c, d)), top, bottom = cache
    dout = _as_batch(dout, "dout", 4).transpose(0, 2, 3, 1)  # (N, H//2, W//2, C)
    dq = np.empty((2, 2, *dout.shape), dout.dtype)  # the gradient of each sub-grid
    to_top = dout * (top >= bottom)  # the gradient for the top row, the rest for the bottom
    to_bottom = dout - to_top
    np.multiply(to_top, a >= b, out=dq[0, 0])
    np.subtract(to_top, dq[0, 0], out=dq[0, 1])
    np.multiply(to_bottom, c >= d, out=dq[1, 0])
    np.subtract(to_bottom, dq[1, 0], out=dq[1, 1])
    odd = height % 2 or width % 2  # then the dropped row/column needs zeros
    dx = (np.zeros if odd else np.empty)((n, height, width, channels), dout.dtype)
    np.copyto(_quarters(dx), dq)  # each sub-grid back to its place
    return dx.transpose(0, 3, 1, 2)  # (N, C, H, W), channels last in memory


def global_avg_pool_forward(x):
    """Average each channel over all positions: x (N, C, H, W) -> (out (N, C), cache).

    Where a feature appears no longer matters: the layer is translation-invariant.
    """
    x = _as_batch(x, "x", 4)
    return x.mean(axis=(2, 3)), x.shape


def global_avg_pool_backward(dout, cache):
    """Every position shares the gradient equally: dout (N, C) -> dx (N, C, H, W)."""
    n, c, h, w = cache
    dx = np.broadcast_to(dout[:, None, None, :] / (h * w), (n, h, w, c)).copy()
    return dx.transpose(0, 3, 1, 2)  # channels last in memory, like the conv layers


def flatten_forward(x):
    """One row per example: x (N, ...) -> (out (N, D), cache), D the product of the rest."""
    x = np.asarray(x)
    return x.reshape(x.shape[0], -1), x.shape


def flatten_backward(dout, cache):
    """Back to the input's shape: dout (N, D) -> dx (N, ...)."""
    dx = dout.reshape(cache)
    if dx.ndim == 4:  # store (N, C, H, W) channels-last, like the conv layers (a small copy)
        dx = np.ascontiguousarray(dx.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    return dx


def dense_forward(x, w, b):
    """Fully connected (affine) layer: x (N, D), w (D, M), b (M,) -> (out (N, M), cache)."""
    x = _as_batch(x, "x", 2)
    if w.shape[0] != x.shape[1] or b.shape != (w.shape[1],):
        raise ValueError(
            f"shapes do not fit: x (N, D) = {x.shape}, w (D, M) = {w.shape}, b (M,) = {b.shape}"
        )
    return x @ w + b, (x, w)


def dense_backward(dout, cache):
    """Gradients of the dense layer: dout (N, M) -> (dx (N, D), dw (D, M), db (M,))."""
    x, w = cache
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)
