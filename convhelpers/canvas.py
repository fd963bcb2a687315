"""Notebook 06's helpers: digits on a larger canvas, and models compared on what they need.

    canvases, positions = place_on_canvas(X, size=48, rows=(0, 6), cols=(0, 6), seed=0)
    compare_on_permuted({"MLP": train_mlp, "CNN": train_cnn}, X_tr, y_tr, X_te, y_te, perm)

"The goldfish can be anywhere": a photo's subject is not always in the middle.
The widget that moves one image under several models is widgets/shift_predictions.py.
"""

import numpy as np

from ._validate import as_int, as_numeric_array
from .images import permute_pixels

__all__ = [
    "compare_on_permuted",
    "place_on_canvas",
    "show_params_vs_accuracy",
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


def compare_on_permuted(trainers: dict, X_train, y_train, X_test, y_test, perm) -> dict:
    """Train each model twice, on the images and on their permuted pixels; measure both.

    trainers: {name: function(X (N, H, W), y (N,)) -> a model with .predict};
    perm: (H*W,) one pixel permutation, applied to training and test images alike.
    Returns {name: {"original": accuracy, "permuted": accuracy, "models": (original
    model, permuted model)}}, accuracies on the test images (fractions 0-1), in the
    order of ``trainers``.
    """
    if not isinstance(trainers, dict) or not trainers:
        raise TypeError("trainers must be a non-empty dict {name: function(X, y) -> model}")
    X_train_p, X_test_p = permute_pixels(X_train, perm), permute_pixels(X_test, perm)
    y_test = np.asarray(y_test)
    results = {}
    for name, train in trainers.items():
        original = train(X_train, y_train)
        permuted = train(X_train_p, y_train)
        results[name] = {
            "original": float(np.mean(original.predict(X_test) == y_test)),
            "permuted": float(np.mean(permuted.predict(X_test_p) == y_test)),
            "models": (original, permuted),
        }
    return results


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
