"""Notebook 06's measurements: parameters by kind of layer, what a network's head reads, ink.

layer_param_counts(28, 28)                 # dense vs locally connected vs convolution
window_params(model)                       # parameters in layers that slide a window
head_input(model, images)                  # (N, features) entering the dense layers
feature_change(model, images, dx=4)        # how much that changes when the digits move
ever_inked(X_fit, augment=2)               # (H, W) pixels training ink ever reached
inked_windows(ever_inked(X_fit))           # (H, W) positions whose 3x3 window saw ink
"""

import numpy as np

from ._validate import as_int, as_numeric_array
from .conv import sliding_windows
from .images import shift
from .local import LocallyConnected2D, locally_connected_params
from .models import Conv2D, Flatten, GlobalAvgPool, Sequential

__all__ = [
    "ever_inked",
    "feature_change",
    "head_input",
    "inked_windows",
    "layer_param_counts",
    "window_params",
]


def layer_param_counts(height: int, width: int, channels: int = 32, kernel_size: int = 3) -> dict:
    """Weights and biases of three layers that make ``channels`` numbers from a grey H x W image.

    {"dense": channels units, each with a weight for every pixel;
     "locally connected": k x k windows at each of the H x W positions (padding keeps
     H x W), every position with its own channels kernels;
     "convolution": the same channels kernels at every position}. Biases included.
    """
    h, w = as_int(height, "height", 1), as_int(width, "width", 1)
    c, k = as_int(channels, "channels", 1), as_int(kernel_size, "kernel_size", 1)
    return {
        "dense": h * w * c + c,
        "locally connected": locally_connected_params(h, w, 1, c, k),
        "convolution": c * (k * k + 1),
    }


def window_params(model) -> int:
    """Parameters of ``model`` in layers that slide a window (Conv2D, LocallyConnected2D).

    A model without ``.layers`` (e.g. the flattened LinearModel) has 0.
    """
    return sum(
        p.size
        for layer in getattr(model, "layers", [])
        if isinstance(layer, (Conv2D, LocallyConnected2D))
        for p in layer.params.values()
    )


def head_input(model: Sequential, images) -> np.ndarray:
    """What the dense layers at the end of a CNN read: the output of its Flatten or GlobalAvgPool.

    images: (N, H, W) or (N, C, H, W). Returns (N, features): 1,568 for small_cnn
    (32 maps of 7x7, flattened), one number per channel after global average pooling.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a Sequential, got {type(model).__name__}")
    heads = (Flatten, GlobalAvgPool)
    found = [k for k, layer in enumerate(model.layers) if isinstance(layer, heads)]
    if not found:
        raise ValueError("model must have a Flatten or GlobalAvgPool layer")
    return model.activations(images)[found[0]]


def feature_change(model: Sequential, images, dx: int) -> float:
    """Mean relative change of head_input when the images move ``dx`` pixels right (zero fill).

    images: (N, H, W) floats. For each image |after - before| / |before| (vector
    lengths over its features), averaged over the N images: 0 = no change at all.
    """
    images = as_numeric_array(images, "images", ndim=3)
    before = head_input(model, images)  # (N, features)
    after = head_input(model, shift(images, dx=as_int(dx, "dx", -(10**9))))
    return float(np.mean(np.linalg.norm(after - before, axis=1) / np.linalg.norm(before, axis=1)))


def ever_inked(images, augment: int = 2) -> np.ndarray:
    """(H, W) bool: the pixels that hold ink in some image moved by up to ``augment`` pixels.

    images: (N, H, W), ink > 0. Every move of -augment..augment rows and columns is
    included (zero fill), the moves fit(augment=...) draws from in training.
    """
    images = as_numeric_array(images, "images", ndim=3)
    augment = as_int(augment, "augment", 0)
    ink = (images > 0).any(axis=0)  # (H, W): ink in some image, not moved
    moved = np.zeros_like(ink)
    for dy in range(-augment, augment + 1):
        for dx in range(-augment, augment + 1):
            moved |= shift(ink, dy=dy, dx=dx) > 0  # shift gives 0/1 numbers
    return moved


def inked_windows(inked, kernel_size: int = 3) -> np.ndarray:
    """(H, W) bool: positions whose k x k window (zero padding (k - 1) // 2) has an inked pixel.

    inked: (H, W) bool, e.g. from ever_inked. With an odd k the output keeps H x W
    positions, those of a k x k convolution or locally connected layer with that padding.
    """
    inked = np.asarray(inked)
    if inked.ndim != 2 or inked.dtype != bool:
        raise ValueError(f"inked must be a 2-D bool array (H, W), got {inked.dtype} {inked.shape}")
    k = as_int(kernel_size, "kernel_size", 1)
    if k % 2 == 0:
        raise ValueError(f"kernel_size must be odd, so that padding keeps H x W, got {k}")
    padded = np.pad(inked, k // 2)  # (H + k - 1, W + k - 1)
    return sliding_windows(padded, k, k).any(axis=(2, 3))  # (H, W)
