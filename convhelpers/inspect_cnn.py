"""Look inside a trained CNN: its kernels, its mistakes, its confusions (notebook 05).

    show_kernels(model)                         # first-layer kernels as little images
    show_mistakes(X_test, y_test, predicted)    # the digits it got wrong
    show_confusion(y_test, predicted)           # which class is taken for which

The model is a :class:`convhelpers.Sequential` (``.layers``, ``.activations``).
The feature-maps widget is in widgets/feature_maps.py.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from ._validate import as_int, as_numeric_array
from .plotting import show_gallery

__all__ = [
    "confusion_matrix",
    "first_conv_weights",
    "most_confused_pairs",
    "show_confusion",
    "show_kernels",
    "show_mistakes",
]

SIGNED_CMAP = "RdBu_r"  # blue < 0, white = 0, red > 0 (colour-blind safe)


def first_conv_weights(model) -> np.ndarray:
    """The weights of the model's first convolution layer: (F, C, kh, kw)."""
    for layer in getattr(model, "layers", []):
        w = getattr(layer, "params", {}).get("w")
        if w is not None and w.ndim == 4:
            return w
    raise ValueError(f"model must contain a convolution layer (4-D weights 'w'), got {model!r:.80}")


def show_kernels(model_or_weights, *, channel: int = 0, ncols: int = 8, values: bool = True):
    """Each kernel of the first convolution layer as a small image; return the Figure.

    model_or_weights: a model with ``.layers`` or the weights (F, C, kh, kw);
    for C > 1 input channels, ``channel`` picks which slice to show. All kernels
    share one colour scale centred on 0 (blue negative, red positive) and, with
    ``values=True``, every weight is written on its cell.
    """
    if hasattr(model_or_weights, "layers"):
        w = first_conv_weights(model_or_weights)
    else:
        w = as_numeric_array(model_or_weights, "model_or_weights", ndim=4)
    channel = as_int(channel, "channel", 0)
    if channel >= w.shape[1]:
        raise ValueError(f"channel must be < {w.shape[1]} (the kernels' input channels)")
    kernels = w[:, channel]  # (F, kh, kw)
    n, kh, kw = kernels.shape
    limit = float(np.abs(kernels).max()) or 1.0
    fig = show_gallery(
        kernels,
        [f"kernel {k}" for k in range(n)],
        ncols=as_int(ncols, "ncols", 1),
        size=1.3,
        cmap=SIGNED_CMAP,
        vmin=-limit,
        vmax=limit,
    )
    if values and kh * kw <= 25:
        for ax, kernel in zip(fig.axes[:n], kernels, strict=True):  # the first n axes, in order
            for (r, c), v in np.ndenumerate(kernel):
                dark = abs(v) > 0.6 * limit  # white text on strong colours
                color = "white" if dark else "black"
                ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=6.5, color=color)
    fig.suptitle(f"{n} first-layer kernels, {kh}×{kw} weights each (input channel {channel})")
    shown = fig.axes[0].images[0]
    fig.colorbar(shown, ax=fig.axes, fraction=0.025, pad=0.02, label="weight (0 = white)")
    return fig


# --- mistakes and confusion --------------------------------------------------


def _labels(y, name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise TypeError(
            f"{name} must be a 1-D array of integer class labels, got {y.dtype} {y.shape}"
        )
    return y


def confusion_matrix(y_true, y_pred, num_classes: int = 10) -> np.ndarray:
    """Counts (num_classes, num_classes): entry [t, p] = how many of class t were predicted p.

    y_true, y_pred: (N,) integer labels in 0..num_classes-1. Rows sum to the
    class sizes; the diagonal holds the correct answers.
    """
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must match, got {y_true.shape} and {y_pred.shape}")
    num_classes = as_int(num_classes, "num_classes", 1)
    both = np.concatenate([y_true, y_pred])
    if both.min() < 0 or both.max() >= num_classes:
        raise ValueError(f"labels must be in 0..{num_classes - 1}")
    counts = np.bincount(y_true * num_classes + y_pred, minlength=num_classes**2)
    return counts.reshape(num_classes, num_classes)


def most_confused_pairs(cm, k: int = 3) -> list[tuple[int, int, int]]:
    """The k largest off-diagonal entries of a confusion matrix (C, C), largest first.

    Returns [(true class, predicted class, count), ...]; ties in reading order.
    """
    cm = as_numeric_array(cm, "cm", ndim=2)
    if cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be square, got shape {cm.shape}")
    off = cm.astype(np.int64)
    off[np.diag_indices_from(off)] = -1  # never pick the correct answers
    order = np.argsort(-off, axis=None, kind="stable")[: as_int(k, "k", 1)]
    rows, cols = np.unravel_index(order, cm.shape)
    return [(int(t), int(p), int(off[t, p])) for t, p in zip(rows, cols, strict=True)]


def show_confusion(y_true, y_pred, ax=None, *, num_classes: int = 10, title: str | None = None):
    """The confusion matrix with every count written in its cell; return the Axes.

    Rows are the true classes, columns the predicted ones. Colours use a log
    scale so that a few mistakes stand out next to hundreds of right answers;
    empty cells stay white.
    """
    cm = confusion_matrix(y_true, y_pred, num_classes)
    ax = plt.gca() if ax is None else ax
    shown = ax.imshow(
        np.ma.masked_equal(cm, 0), cmap="viridis", norm=LogNorm(vmin=1, vmax=max(cm.max(), 2))
    )
    correct = np.trace(cm)
    heading = title or "Confusion matrix"
    ax.set_title(f"{heading}\n{correct:,} of {cm.sum():,} right; off-diagonal cells are mistakes")
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_xticks(range(num_classes))
    ax.set_yticks(range(num_classes))
    ax.figure.colorbar(shown, ax=ax, fraction=0.046, pad=0.04, label="count (log scale)")
    cmap, norm = shown.get_cmap(), shown.norm
    for (t, p), n in np.ndenumerate(cm):
        if n == 0:
            continue
        r, g, b, _ = cmap(norm(n))
        light = 0.299 * r + 0.587 * g + 0.114 * b > 0.5
        ax.text(
            p, t, str(n), ha="center", va="center", fontsize=8, color="black" if light else "white"
        )
    return ax


def show_mistakes(images, y_true, y_pred, *, max_images: int = 20, ncols: int = 10):
    """A gallery of the misclassified images, each titled 'true → predicted'; return the Figure.

    images: (N, H, W); y_true, y_pred: (N,). Shows the first ``max_images`` mistakes.
    """
    images = as_numeric_array(images, "images", ndim=3)
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if not len(images) == len(y_true) == len(y_pred):
        raise ValueError(
            f"images, y_true and y_pred must have the same length, got "
            f"{len(images)}, {len(y_true)} and {len(y_pred)}"
        )
    wrong = np.flatnonzero(y_true != y_pred)
    if len(wrong) == 0:
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, f"no mistakes on these {len(images)} images", ha="center")
        return fig
    shown = wrong[: as_int(max_images, "max_images", 1)]
    titles = [f"{t} → {p}" for t, p in zip(y_true[shown], y_pred[shown], strict=True)]
    title = f"{len(wrong)} mistakes out of {len(images):,}, titled true → predicted"
    return show_gallery(images[shown], titles, ncols=min(ncols, len(shown)), title=title)
