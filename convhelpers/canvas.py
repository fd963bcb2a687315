"""Notebook 06's helpers: digits on a larger canvas, and models compared on what they need.

    canvases, positions = place_on_canvas(X, size=48, rows=(0, 6), cols=(0, 6), seed=0)
    shuffled_cnn = with_shuffled_pixels(small_cnn(seed=0), perm)   # trains on shuffled pixels

"The goldfish can be anywhere": a photo's subject is not always in the middle.
The widget that moves one image under several models is widgets/shift_predictions.py.
"""

import numpy as np

from ._validate import as_int, as_numeric_array
from .models import Layer, Sequential

__all__ = [
    "ShufflePixels",
    "place_on_canvas",
    "show_params_vs_accuracy",
    "with_shuffled_pixels",
]


def _position_range(span, name: str, largest: int) -> tuple[int, int]:
    """A (first, last) pair of allowed top/left coordinates, inside 0..largest."""
    if span is None:
        return 0, largest
    if len(span) != 2:
        raise ValueError(f"{name} must be a pair (first, last), got {span!r}")
    first, last = (as_int(v, name, 0) for v in span)
    if not first <= last <= largest:
        raise ValueError(
            f"{name} must satisfy 0 <= first <= last <= {largest} (the digit must fit), "
            f"got {span!r}"
        )
    return first, last


def place_on_canvas(
    images, size: int = 48, *, rows=None, cols=None, positions=None, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Paste each image (h, w) onto an empty size x size canvas at a random place.

    images: (N, h, w), e.g. (N, 28, 28) digits. The top-left corner of image k
    goes to positions[k] = (row, column). Without ``positions``, they are drawn
    (seeded) uniformly from rows=(first, last) and cols=(first, last), both
    inclusive; None means anywhere the image fits (0..size-h).
    Returns (canvases (N, size, size) with the images' dtype, positions (N, 2) int64).
    """
    images = as_numeric_array(images, "images", ndim=3)
    n, h, w = images.shape
    size = as_int(size, "size", max(h, w))
    if positions is None:
        rng = np.random.default_rng(seed)
        r0, r1 = _position_range(rows, "rows", size - h)
        c0, c1 = _position_range(cols, "cols", size - w)
        positions = np.stack([rng.integers(r0, r1 + 1, n), rng.integers(c0, c1 + 1, n)], axis=1)
    else:
        positions = np.asarray(positions)
        if positions.shape != (n, 2) or not np.issubdtype(positions.dtype, np.integer):
            raise ValueError(f"positions must be integers of shape ({n}, 2), got {positions.shape}")
        fits = (positions >= 0).all() and (positions + [h, w] <= size).all()
        if not fits:
            raise ValueError(f"positions must keep every image inside the {size}x{size} canvas")
    canvases = np.zeros((n, size, size), dtype=images.dtype)
    for k, (top, left) in enumerate(positions):
        canvases[k, top : top + h, left : left + w] = images[k]
    return canvases, positions.astype(np.int64)


class ShufflePixels(Layer):
    """A fixed layer that shuffles the pixels with one permutation; no parameters.

    (N, C, H, W) -> (N, C, H, W): pixel perm[k] of each flattened channel moves to
    position k, as :func:`convhelpers.permute_pixels`. Put first in a model, it
    makes "the same network, trained and tested on shuffled pixels": the training
    digits, their random shifts (applied by fit before the model sees them) and
    their order stay exactly the same.
    """

    def __init__(self, perm):
        super().__init__()
        perm = np.asarray(perm)
        if perm.ndim != 1 or not np.array_equal(np.sort(perm), np.arange(len(perm))):
            raise ValueError(f"perm must be a permutation of 0..n-1, got shape {perm.shape}")
        self.perm = perm
        self.inverse = np.argsort(perm)

    def forward(self, x):
        n, c, h, w = x.shape
        if h * w != len(self.perm):
            raise ValueError(f"perm has {len(self.perm)} entries but the images have {h}x{w}")
        self.cache = x.shape
        return x.reshape(n, c, h * w)[:, :, self.perm].reshape(x.shape)

    def backward(self, dout, input_grad=True):
        n, c, h, w = self.cache  # each gradient goes back to the pixel it came from
        return dout.reshape(n, c, h * w)[:, :, self.inverse].reshape(self.cache)

    def __repr__(self):
        return f"ShufflePixels({len(self.perm)} pixels)"


def with_shuffled_pixels(model: Sequential, perm) -> Sequential:
    """The same layers behind a ShufflePixels(perm) layer: a model of shuffled images.

    model's layers are shared, not copied. perm: (H*W,) for model's input (C, H, W).
    """
    return Sequential(ShufflePixels(perm), *model.layers, input_shape=model.input_shape)


def show_params_vs_accuracy(results: dict, ax=None):
    """Each model as a point: parameters (log scale) against test accuracy; return the Axes.

    results: {name: (number of parameters, accuracy 0-1)}. Points up and to the
    left do more with fewer parameters.
    """
    import matplotlib.pyplot as plt

    from .grid_figures import OKABE_ITO

    if not isinstance(results, dict) or not results:
        raise TypeError("results must be a non-empty dict {name: (parameters, accuracy)}")
    ax = plt.gca() if ax is None else ax
    for k, (name, (n_params, acc)) in enumerate(results.items()):
        ax.scatter(n_params, acc, s=70, color=OKABE_ITO[k % len(OKABE_ITO)], label=name, zorder=3)
        ax.annotate(f"{n_params:,}", (n_params, acc), textcoords="offset points", xytext=(6, -12))
    ax.set_xscale("log")
    ax.margins(x=0.15, y=0.12)  # room for the labels
    ax.set_xlabel("number of parameters (log scale)")
    ax.set_ylabel("test accuracy (0–1)")
    ax.set_title("What each model does with its parameters")
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    return ax
