"""Small operations on image arrays: scale to [0, 1], shift, permute pixels."""

import numpy as np

from ._validate import as_int, as_numeric_array

__all__ = ["permute_pixels", "shift", "to_float"]


def to_float(images) -> np.ndarray:
    """uint8 images (0-255) -> float32 in [0, 1]; float images are returned as float32.

    Any shape, e.g. (28, 28) or (N, 28, 28). Always a new array.
    """
    images = as_numeric_array(images, "images")
    if images.dtype == np.uint8:
        return images.astype(np.float32) / 255
    return images.astype(np.float32)  # astype copies


def shift(images, dy: int = 0, dx: int = 0) -> np.ndarray:
    """Move the picture dy pixels down and dx pixels right, filling with zeros.

    images: (..., H, W), e.g. one digit (28, 28) or a batch (N, 28, 28).
    Negative dy/dx move up/left. Pixels pushed past the edge are lost (no
    wrap-around). Returns a new array of the same shape and dtype.
    """
    images = as_numeric_array(images, "images")
    if images.ndim < 2:
        raise ValueError(f"images must have at least 2 dimensions (H, W), got {images.shape}")
    dy = as_int(dy, "dy", -(10**9))
    dx = as_int(dx, "dx", -(10**9))
    h, w = images.shape[-2:]
    out = np.zeros_like(images)
    if abs(dy) >= h or abs(dx) >= w:
        return out  # moved entirely out of the frame
    src_rows = slice(max(0, -dy), h - max(0, dy))
    dst_rows = slice(max(0, dy), h - max(0, -dy))
    src_cols = slice(max(0, -dx), w - max(0, dx))
    dst_cols = slice(max(0, dx), w - max(0, -dx))
    out[..., dst_rows, dst_cols] = images[..., src_rows, src_cols]
    return out


def permute_pixels(images, perm) -> np.ndarray:
    """Rearrange the pixels of every image with the same permutation.

    images: (..., H, W); perm: (H*W,) a permutation of 0..H*W-1.
    Pixel ``perm[k]`` of the flattened image moves to position k. Returns the
    same shape as images. ``permute_pixels(x, np.argsort(perm))`` undoes it.
    """
    images = as_numeric_array(images, "images")
    if images.ndim < 2:
        raise ValueError(f"images must have at least 2 dimensions (H, W), got {images.shape}")
    h, w = images.shape[-2:]
    perm = np.asarray(perm)
    if perm.shape != (h * w,) or not np.array_equal(np.sort(perm), np.arange(h * w)):
        raise ValueError(f"perm must be a permutation of 0..{h * w - 1} (shape ({h * w},))")
    flat = images.reshape(*images.shape[:-2], h * w)  # (..., H*W)
    return flat[..., perm].reshape(images.shape)
