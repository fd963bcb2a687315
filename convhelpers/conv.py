"""2-D convolution of one image with one kernel: a fast version and a readable one.

Deep learning's "convolution" is cross-correlation: slide the kernel over the
image and take the dot product of the kernel with each patch under it.
``flip=True`` turns the kernel 180 degrees first, which gives convolution as
mathematicians define it.
"""

import numpy as np

from ._validate import as_int, as_numeric_array

__all__ = ["KERNELS", "conv2d", "conv2d_naive", "get_kernel", "output_size", "sliding_windows"]


def output_size(n: int, k: int, *, stride: int = 1, padding: int = 0) -> int:
    """Length of the output along one axis: (n + 2*padding - k) // stride + 1.

    n is the image size, k the kernel size (both along the same axis).
    """
    n = as_int(n, "n", 1)
    k = as_int(k, "k", 1)
    stride = as_int(stride, "stride", 1)
    padding = as_int(padding, "padding", 0)
    if k > n + 2 * padding:
        raise ValueError(
            f"kernel size k={k} is larger than the padded image size {n + 2 * padding}"
        )
    return (n + 2 * padding - k) // stride + 1


def _prepare(image, kernel, stride, padding, flip):
    """Validate the arguments of conv2d; return float64 (padded image, kernel)."""
    image = as_numeric_array(image, "image", ndim=2)
    kernel = as_numeric_array(kernel, "kernel", ndim=2)
    stride = as_int(stride, "stride", 1)
    padding = as_int(padding, "padding", 0)
    if not isinstance(flip, (bool, np.bool_)):
        raise TypeError(f"flip must be True or False, got {flip!r}")
    for axis, name in enumerate(("rows", "columns")):
        if kernel.shape[axis] > image.shape[axis] + 2 * padding:
            raise ValueError(
                f"kernel has {kernel.shape[axis]} {name} but the padded image has only "
                f"{image.shape[axis] + 2 * padding} (image shape {image.shape}, padding={padding})"
            )
    # float64 so that a uint8 image gives negative values and values > 255 (no wrap-around)
    padded = np.pad(image.astype(np.float64), padding)  # (H + 2p, W + 2p), a new array
    kernel = kernel.astype(np.float64)
    if flip:
        kernel = kernel[::-1, ::-1]
    return padded, kernel, stride


def sliding_windows(x: np.ndarray, kh: int, kw: int, stride: int = 1) -> np.ndarray:
    """Every kh-by-kw patch of x, without copying.

    x: (..., H, W) -> (..., Ho, Wo, kh, kw), where [..., i, j, :, :] is the
    patch whose top-left corner is (i*stride, j*stride). A read-only view.
    """
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(-2, -1))
    return windows[..., ::stride, ::stride, :, :]


def conv2d(image, kernel, *, stride: int = 1, padding: int = 0, flip: bool = False) -> np.ndarray:
    """Slide ``kernel`` over ``image`` and take a dot product at every position.

    image: (H, W), kernel: (kh, kw) -> float64 (Ho, Wo) with
    Ho = (H + 2*padding - kh) // stride + 1 (and likewise Wo).
    padding adds that many rows/columns of zeros on every side; flip=True rotates
    the kernel by 180 degrees (true convolution). The inputs are not modified.
    """
    padded, k, stride = _prepare(image, kernel, stride, padding, flip)
    patches = sliding_windows(padded, *k.shape, stride=stride)  # (Ho, Wo, kh, kw)
    # One matrix product: each patch (kh*kw numbers) dotted with the kernel.
    return np.tensordot(patches, k, axes=([2, 3], [0, 1]))  # (Ho, Wo)


def conv2d_naive(
    image, kernel, *, stride: int = 1, padding: int = 0, flip: bool = False
) -> np.ndarray:
    """The same as :func:`conv2d`, written as plain loops to read, not to run fast.

    image: (H, W), kernel: (kh, kw) -> float64 (Ho, Wo).
    """
    padded, k, stride = _prepare(image, kernel, stride, padding, flip)
    kh, kw = k.shape
    out_h = (padded.shape[0] - kh) // stride + 1
    out_w = (padded.shape[1] - kw) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):  # output row
        for j in range(out_w):  # output column
            top, left = i * stride, j * stride
            total = 0.0
            for a in range(kh):  # kernel row
                for b in range(kw):  # kernel column
                    total += padded[top + a, left + b] * k[a, b]
            out[i, j] = total
    return out


def _gaussian(size: int = 3, sigma: float = 0.85) -> np.ndarray:
    r = np.arange(size) - (size - 1) / 2
    g = np.exp(-(r**2) / (2 * sigma**2))
    k = np.outer(g, g)
    return k / k.sum()


KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
    "box blur": np.full((3, 3), 1 / 9),
    "gaussian": _gaussian(),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "sobel x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float),
    "sobel y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=float),
    "laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=float),
    "horizontal line": np.array([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]], dtype=float),
    "vertical line": np.array([[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]], dtype=float),
    "lesson 1-9": np.arange(1, 10, dtype=float).reshape(3, 3),
}
"""Named 3x3 kernels (read-only). Use :func:`get_kernel` to get a copy you may change."""
for _k in KERNELS.values():
    _k.setflags(write=False)


def get_kernel(name: str) -> np.ndarray:
    """A copy of the named kernel from :data:`KERNELS`, shape (3, 3), float64."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    key = name.strip().lower().replace("_", " ")
    if key not in KERNELS:
        raise ValueError(f"unknown kernel name {name!r}; choose one of {sorted(KERNELS)}")
    return KERNELS[key].copy()
