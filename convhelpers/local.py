"""A locally connected layer: the windows of a convolution, without the weight sharing.

A convolution makes two assumptions at once:

* **locality**: each output looks at a small window of the input (3x3, say);
* **weight sharing**: every window is multiplied by the *same* kernels.

``LocallyConnected2D`` keeps the first and drops the second: it slides the same
window as ``Conv2D``, but each output position (i, j) has its own filters
``w[i, j]`` and biases ``b[i, j]``. Notebook 06 uses it to test the two
assumptions one at a time.

    layer = LocallyConnected2D(1, 8, 3, input_size=(28, 28), padding=1, rng=0)
    out = layer.forward(x)            # (N, 1, 28, 28) -> (N, 8, 28, 28)
    layer.params["w"].shape           # (28, 28, 8, 1, 3, 3): one filter bank per position

The layer functions come twice, as in :mod:`convhelpers.nn`: loops to read
(``locally_connected_forward_naive``/``..._backward_naive``) and the same maths
as one batched matrix product per position (``locally_connected_forward``/
``..._backward``), which the layer uses.
"""

import numpy as np

from ._validate import as_int
from .conv import output_size, sliding_windows
from .models import Layer, global_pool_cnn

__all__ = [
    "LocallyConnected2D",
    "locally_connected_backward",
    "locally_connected_backward_naive",
    "locally_connected_forward",
    "locally_connected_forward_naive",
    "locally_connected_params",
    "locally_connected_cnn",
]


def locally_connected_params(out_h, out_w, in_channels, out_channels, kernel_size) -> int:
    """Parameters of a locally connected layer: every output position has its own filters.

    out_h x out_w positions, each with out_channels filters of in_channels x k x k
    weights and one bias: out_h * out_w * out_channels * (in_channels * k * k + 1).
    (A convolution has the same window and only out_channels * (in_channels * k * k + 1).)
    """
    out_h, out_w = as_int(out_h, "out_h", 1), as_int(out_w, "out_w", 1)
    c_in, c_out = as_int(in_channels, "in_channels", 1), as_int(out_channels, "out_channels", 1)
    k = as_int(kernel_size, "kernel_size", 1)
    return out_h * out_w * c_out * (c_in * k * k + 1)


def _lc_args(x, w, b, stride, padding):
    """Validate the layer functions' arguments; return them with x zero-padded."""
    x, w, b = np.asarray(x), np.asarray(w), np.asarray(b)
    for arr, name in ((x, "x"), (w, "w"), (b, "b")):
        if not np.issubdtype(arr.dtype, np.floating):
            raise TypeError(f"{name} must be a float array, got dtype {arr.dtype}")
    if x.ndim != 4 or w.ndim != 6:
        raise ValueError(
            f"x must be (N, C, H, W) and w (Ho, Wo, F, C, kh, kw); got {x.shape} and {w.shape}"
        )
    stride, padding = as_int(stride, "stride", 1), as_int(padding, "padding", 0)
    out_h, out_w, n_filters, channels, kh, kw = w.shape
    expected = tuple(
        output_size(n, k, stride=stride, padding=padding)
        for n, k in ((x.shape[2], kh), (x.shape[3], kw))
    )
    if channels != x.shape[1] or expected != (out_h, out_w):
        raise ValueError(
            f"w {w.shape} does not fit x {x.shape} with stride={stride}, padding={padding}: "
            f"expected w of shape ({expected[0]}, {expected[1]}, F, {x.shape[1]}, kh, kw)"
        )
    if b.shape != (out_h, out_w, n_filters):
        raise ValueError(f"b must have shape {(out_h, out_w, n_filters)}, got {b.shape}")
    p = padding
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))) if p else x  # (N, C, H + 2p, W + 2p)
    return xp, w, b, stride, padding


# --- the readable version ------------------------------------------------------


def locally_connected_forward_naive(x, w, b, *, stride: int = 1, padding: int = 0):
    """Locally connected layer with loops: x (N, C, H, W) -> (out (N, F, Ho, Wo), cache).

    w: (Ho, Wo, F, C, kh, kw), one bank of F filters for each output position;
    b: (Ho, Wo, F). out[n, f, i, j] = sum(patch(i, j) * w[i, j, f]) + b[i, j, f],
    where patch(i, j) is the same (C, kh, kw) window a convolution would read.
    """
    xp, w, b, stride, padding = _lc_args(x, w, b, stride, padding)
    out_h, out_w, n_filters, _, kh, kw = w.shape
    out = np.zeros((len(xp), n_filters, out_h, out_w), dtype=np.result_type(xp, w))
    for n in range(len(xp)):
        for f in range(n_filters):
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * stride, j * stride
                    patch = xp[n, :, top : top + kh, left : left + kw]  # (C, kh, kw)
                    out[n, f, i, j] = np.sum(patch * w[i, j, f]) + b[i, j, f]
    return out, (np.shape(x), xp, w, stride, padding)


def locally_connected_backward_naive(dout, cache):
    """Gradients of the loop version: dout (N, F, Ho, Wo) -> (dx, dw, db).

    dx: (N, C, H, W), dw: (Ho, Wo, F, C, kh, kw), db: (Ho, Wo, F). As in a
    convolution, each output value sends dout * w[i, j, f] back to its patch and
    dout * patch to its filter, but here to the filter of its own position.
    """
    x_shape, xp, w, stride, padding = cache
    out_h, out_w, n_filters, _, kh, kw = w.shape
    dxp = np.zeros_like(xp, dtype=np.result_type(xp, w))
    dw = np.zeros_like(w)
    for n in range(dout.shape[0]):
        for f in range(n_filters):
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * stride, j * stride
                    g = dout[n, f, i, j]
                    dxp[n, :, top : top + kh, left : left + kw] += g * w[i, j, f]
                    dw[i, j, f] += g * xp[n, :, top : top + kh, left : left + kw]
    db = dout.sum(axis=0).transpose(1, 2, 0).astype(w.dtype)  # (Ho, Wo, F)
    dx = dxp[:, :, padding : padding + x_shape[2], padding : padding + x_shape[3]]
    return dx, dw, db


# --- the fast version ----------------------------------------------------------


def locally_connected_forward(x, w, b, *, stride: int = 1, padding: int = 0):
    """The same result as locally_connected_forward_naive, as one matrix product per position.

    x (N, C, H, W), w (Ho, Wo, F, C, kh, kw), b (Ho, Wo, F) -> (out (N, F, Ho, Wo), cache).
    Like im2col in conv_forward, but the patches are grouped by position: position
    p's N patches (N, C*kh*kw) meet only position p's filters (C*kh*kw, F).
    """
    xp, w, b, stride, padding = _lc_args(x, w, b, stride, padding)
    out_h, out_w, n_filters, channels, kh, kw = w.shape
    n_images, positions = len(xp), out_h * out_w
    windows = sliding_windows(xp, kh, kw, stride)  # (N, C, Ho, Wo, kh, kw), a view
    # The copy: one (N, C*kh*kw) matrix of patches for each of the Ho*Wo positions.
    cols = windows.transpose(2, 3, 0, 1, 4, 5).reshape(positions, n_images, -1)
    w_cols = w.reshape(positions, n_filters, -1).transpose(0, 2, 1)  # (P, C*kh*kw, F)
    out = np.matmul(cols, w_cols)  # (P, N, F): P matrix products at once
    out = out.reshape(out_h, out_w, n_images, n_filters) + b[:, :, None, :]
    # (Ho, Wo, N, F) -> (N, Ho, Wo, F) in memory, seen as (N, F, Ho, Wo): the conv layers' order.
    out = np.ascontiguousarray(out.transpose(2, 0, 1, 3)).transpose(0, 3, 1, 2)
    return out, (np.shape(x), cols, w_cols, w.shape, stride, padding)


def locally_connected_backward(dout, cache, *, input_grad: bool = True):
    """Gradients of locally_connected_forward: dout (N, F, Ho, Wo) -> (dx, dw, db).

    dx: (N, C, H, W) (None when input_grad=False), dw: (Ho, Wo, F, C, kh, kw),
    db: (Ho, Wo, F).
    """
    x_shape, cols, w_cols, w_shape, stride, padding = cache
    out_h, out_w, n_filters, channels, kh, kw = w_shape
    n_images = x_shape[0]
    d3 = np.asarray(dout).transpose(2, 3, 0, 1).reshape(out_h * out_w, n_images, n_filters)
    dw = np.matmul(cols.transpose(0, 2, 1), d3)  # (P, C*kh*kw, F)
    dw = np.ascontiguousarray(dw.transpose(0, 2, 1)).reshape(w_shape)
    db = d3.sum(axis=1).reshape(out_h, out_w, n_filters)
    if not input_grad:
        return None, dw, db
    dcols = np.matmul(d3, w_cols.transpose(0, 2, 1))  # (P, N, C*kh*kw)
    dcols = dcols.reshape(out_h, out_w, n_images, channels, kh, kw)
    # "col2im", as in conv_backward: each kernel offset (a, b) sends its share back
    # to the inputs it read, one slice shifted by (a, b).
    _, _, height, width = x_shape
    dxp = np.zeros((n_images, channels, height + 2 * padding, width + 2 * padding), d3.dtype)
    rows, columns = stride * out_h, stride * out_w
    for a in range(kh):
        for b in range(kw):
            share = dcols[:, :, :, :, a, b].transpose(2, 3, 0, 1)  # (N, C, Ho, Wo)
            dxp[:, :, a : a + rows : stride, b : b + columns : stride] += share
    dx = dxp[:, :, padding : padding + height, padding : padding + width]
    return dx, dw, db


class LocallyConnected2D(Layer):
    """Conv2D's windows, with separate filters at every output position (no weight sharing).

    (N, in_channels, H, W) -> (N, out_channels, Ho, Wo), where (H, W) = input_size is
    fixed when the layer is built (each position has its own weights). params "w"
    (Ho, Wo, out_channels, in_channels, k, k), He initialisation, and "b"
    (Ho, Wo, out_channels), zeros.
    """

    def __init__(
        self, in_channels, out_channels, kernel_size, input_size, *, padding=0, stride=1, rng=None
    ):
        super().__init__()
        rng = np.random.default_rng(rng)
        c_in, c_out = as_int(in_channels, "in_channels", 1), as_int(out_channels, "out_channels", 1)
        k = as_int(kernel_size, "kernel_size", 1)
        self.stride, self.padding = as_int(stride, "stride", 1), as_int(padding, "padding", 0)
        if len(input_size) != 2:
            raise ValueError(f"input_size must be (H, W), got {input_size!r}")
        out_h, out_w = (
            output_size(n, k, stride=self.stride, padding=self.padding) for n in input_size
        )
        self.input_size = tuple(int(n) for n in input_size)
        shape = (out_h, out_w, c_out, c_in, k, k)
        std = np.sqrt(2.0 / (c_in * k * k))  # He initialisation, as Conv2D
        self.params["w"] = (rng.standard_normal(shape) * std).astype(np.float32)
        self.params["b"] = np.zeros((out_h, out_w, c_out), dtype=np.float32)

    def forward(self, x):
        if tuple(np.shape(x)[2:]) != self.input_size:
            raise ValueError(
                f"this layer was built for images of {self.input_size}, got {np.shape(x)[2:]}"
            )
        out, self.cache = locally_connected_forward(
            x, self.params["w"], self.params["b"], stride=self.stride, padding=self.padding
        )
        return out

    def backward(self, dout, input_grad=True):
        dx, self.grads["w"], self.grads["b"] = locally_connected_backward(
            dout, self.cache, input_grad=input_grad
        )
        return dx

    def output_shape(self, shape):
        out_h, out_w, f = self.params["w"].shape[:3]
        return (f, out_h, out_w)

    def __repr__(self):
        out_h, out_w, f, c, k, _ = self.params["w"].shape
        return f"LocallyConnected2D({c}→{f}, {k}×{k}, {out_h}×{out_w} positions)"


def locally_connected_cnn(seed: int = 0, input_size=(28, 28)):
    """global_pool_cnn with its first convolution made locally connected: (N, H, W) -> (N, 10).

    The same 3x3 windows and 8 channels, but each of the H x W positions has its own
    8 filters; the layers after it are global_pool_cnn's, so this is the one
    difference. Built for one image size, input_size (H, W).
    """
    model = global_pool_cnn(seed)
    first = model.layers[0]
    f, c, k, _ = first.params["w"].shape
    rng = np.random.default_rng([seed, 1])  # its own stream: the other layers stay as they were
    model.layers[0] = LocallyConnected2D(
        c, f, k, input_size, padding=first.padding, stride=first.stride, rng=rng
    )
    model.input_shape = (c, *input_size)
    return model
