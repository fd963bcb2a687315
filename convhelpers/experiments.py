"""The measured experiments of notebooks 02, 03 and 06: permuted pixels and shifted digits.

    accuracy_vs_shift(model, X_test, y_test, range(-6, 7), direction="dx")
    permutation_experiment(X_train, y_train, X_test, y_test, perm)

Any model with ``.predict(images) -> (N,) labels`` works with accuracy_vs_shift.
"""

from dataclasses import dataclass

import numpy as np

from ._validate import as_int, as_numeric_array
from .images import permute_pixels, shift
from .linear import LinearModel, train_linear
from .train import accuracy

__all__ = ["PermutationResult", "accuracy_vs_shift", "cosine_similarity", "permutation_experiment"]

_DIRECTIONS = {"dx": (0, 1), "dy": (1, 0), "both": (1, 1)}  # (rows, columns) per unit shift


def cosine_similarity(a, b) -> float:
    """cos of the angle between a and b seen as flat vectors (any equal shapes, e.g. (28, 28)).

    1 means the same direction, 0 no overlap (for non-negative images). A
    zero vector has no direction: the result is then 0.
    """
    a = as_numeric_array(a, "a").astype(np.float64).ravel()
    b = as_numeric_array(b, "b").astype(np.float64).ravel()
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same number of values, got {a.size} and {b.size}")
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / norms) if norms > 0 else 0.0


def accuracy_vs_shift(model, X, y, shifts, *, direction: str = "dx") -> np.ndarray:
    """Accuracy of ``model`` on the images X moved by each shift, zero fill (no wrap-around).

    X: (N, H, W) images, y: (N,) labels, shifts: integers (pixels; negative ones
    move left/up). direction "dx" moves right, "dy" moves down and "both" moves
    diagonally (s down and s right). Returns float64 (len(shifts),) accuracies in 0-1.
    """
    if not callable(getattr(model, "predict", None)):
        raise TypeError(f"model must have a .predict(images) method, got {type(model).__name__}")
    X = as_numeric_array(X, "X", ndim=3)
    if np.shape(y) != (len(X),):
        raise ValueError(f"y must have one label per image, shape ({len(X)},); got {np.shape(y)}")
    if direction not in _DIRECTIONS:
        raise ValueError(f"direction must be one of {sorted(_DIRECTIONS)}, got {direction!r}")
    rows, cols = _DIRECTIONS[direction]
    shifts = [as_int(s, "shifts", -(10**9)) for s in np.ravel(shifts).tolist()]
    return np.array([accuracy(model, shift(X, dy=rows * s, dx=cols * s), y) for s in shifts])


@dataclass
class PermutationResult:
    """What permutation_experiment measured (accuracies on the test images, 0-1)."""

    original: LinearModel  # trained on the images as they are
    permuted: LinearModel  # trained on the same images with their pixels permuted
    perm: np.ndarray  # (H*W,) the permutation used for training and test images
    accuracy_original: float
    accuracy_permuted: float
    same_predictions: float  # fraction of test images both models put in the same class
    max_abs_difference: float  # max |original vectors - permuted model's vectors unpermuted|
    max_abs_weight: float  # max |original vectors|, the scale to compare the difference with
    correlation: float  # Pearson correlation of the two sets of vectors (unpermuted)

    def unpermuted_vectors(self) -> np.ndarray:
        """The permuted model's reference vectors with their pixels put back: (C, H, W)."""
        return _unpermuted_vectors(self.permuted, self.perm)


def _unpermuted_vectors(model: LinearModel, perm) -> np.ndarray:
    """model's reference vectors (C, H, W) with pixel k moved back to position perm[k]."""
    return permute_pixels(model.reference_vectors(), np.argsort(perm))


def permutation_experiment(X_train, y_train, X_test, y_test, perm, **train_kwargs):
    """Train the flattened model twice: on the images, and on the images with pixels permuted.

    X_train/X_test: (N, H, W) images, y_train/y_test: (N,) labels, perm: (H*W,)
    a permutation of the pixels (see ``permute_pixels``), applied to training and
    test images alike. train_kwargs go to ``train_linear`` for both runs (same
    seed, same start at zero). Returns a PermutationResult.
    """
    perm = np.asarray(perm)
    original = train_linear(X_train, y_train, **train_kwargs)
    permuted = train_linear(permute_pixels(X_train, perm), y_train, **train_kwargs)
    X_test_permuted = permute_pixels(X_test, perm)
    ref = original.reference_vectors().ravel()
    back = _unpermuted_vectors(permuted, perm).ravel()
    return PermutationResult(
        original=original,
        permuted=permuted,
        perm=perm,
        accuracy_original=accuracy(original, X_test, y_test),
        accuracy_permuted=accuracy(permuted, X_test_permuted, y_test),
        same_predictions=float(
            np.mean(original.predict(X_test) == permuted.predict(X_test_permuted))
        ),
        max_abs_difference=float(np.abs(back - ref).max()),
        max_abs_weight=float(np.abs(ref).max()),
        correlation=float(np.corrcoef(back, ref)[0, 1]),
    )
