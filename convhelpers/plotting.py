"""Labelled matplotlib figures of images, grids and class probabilities.

Every function takes ``ax=None``.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from ._validate import as_int, as_numeric_array
from .losses import softmax

__all__ = ["show_gallery", "show_image", "show_softmax", "show_values"]


def _range(image, vmin, vmax):
    """Default colour range: 0-255 for uint8, else the data's own range."""
    if image.dtype == np.uint8:
        return (0 if vmin is None else vmin), (255 if vmax is None else vmax)
    return vmin, vmax


def show_image(
    image,
    ax=None,
    *,
    title: str | None = None,
    cmap: str = "gray",
    vmin=None,
    vmax=None,
    colorbar: bool = True,
    colorbar_label: str = "pixel value",
):
    """Show a 2-D grid (H, W) or an RGB image (H, W, 3) with labelled axes; return the Axes.

    The title gives the shape and dtype; grayscale images get a colour bar
    labelled ``colorbar_label``. Ticks fall on whole pixels.
    """
    image = as_numeric_array(image, "image")
    if image.ndim not in (2, 3):
        raise ValueError(f"image must be (H, W) or (H, W, 3), got shape {image.shape}")
    ax = plt.gca() if ax is None else ax
    vmin, vmax = _range(image, vmin, vmax)
    shown = ax.imshow(image, cmap=cmap if image.ndim == 2 else None, vmin=vmin, vmax=vmax)
    label = f"shape {image.shape}, {image.dtype}"
    ax.set_title(f"{title}\n{label}" if title else label)
    ax.set_xlabel("column (pixels)")
    ax.set_ylabel("row (pixels)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if colorbar and image.ndim == 2:
        ax.figure.colorbar(shown, ax=ax, fraction=0.046, pad=0.04, label=colorbar_label)
    return ax


def show_values(
    image,
    ax=None,
    *,
    fmt: str = "{:.0f}",
    title: str | None = None,
    fontsize=None,
    colorbar_label: str = "pixel value",
):
    """Show a small grid (H, W) enlarged, with every pixel's value written on it; return the Axes.

    Dark text sits on light pixels and light text on dark ones.
    """
    image = as_numeric_array(image, "image", ndim=2)
    ax = show_image(image, ax, title=title, colorbar_label=colorbar_label)
    vmin, vmax = ax.images[0].get_clim()
    middle = (vmin + vmax) / 2
    size = fontsize or max(4, min(12, 160 / max(image.shape)))
    for (r, c), v in np.ndenumerate(image):
        ax.text(
            c,
            r,
            fmt.format(v),
            ha="center",
            va="center",
            fontsize=size,
            color="black" if v > middle else "white",
        )
    return ax


def show_gallery(
    images,
    labels=None,
    *,
    ncols: int = 10,
    title: str | None = None,
    size=1.2,
    cmap: str = "gray",
    vmin=None,
    vmax=None,
):
    """A grid of small images (N, H, W) with optional labels (N,); return the Figure.

    All images share one colour scale: vmin/vmax (default 0-255 for uint8, else
    each image's own range) in colour map cmap.
    """
    images = as_numeric_array(images, "images", ndim=3)
    n = len(images)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)  # ceiling division
    figsize = (size * ncols, (size + 0.3) * nrows + 0.5)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False, layout="constrained")
    vmin, vmax = _range(images, vmin, vmax)
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= n:
            ax.axis("off")
            continue
        ax.imshow(images[k], cmap=cmap, vmin=vmin, vmax=vmax)
        if labels is not None:
            ax.set_title(str(labels[k]), fontsize=9, pad=2)
    if title:
        fig.suptitle(f"{title} ({n} images of {images.shape[1]}×{images.shape[2]} pixels)")
    return fig


def show_softmax(scores, true_class: int, ax=None, *, title: str | None = None):
    """Bars of softmax(scores), one per class, the true class marked; return the Axes.

    scores: (C,) one image's class scores. Each tick names a class and its
    score; the title gives the probability of the true class and its
    cross-entropy loss, -log(probability).
    """
    scores = as_numeric_array(scores, "scores", ndim=1).astype(np.float64)
    true_class = as_int(true_class, "true_class", 0)
    if true_class >= len(scores):
        raise ValueError(f"true_class must be a class in 0..{len(scores) - 1}, got {true_class}")
    probs = softmax(scores)  # (C,), sums to 1
    ax = plt.gca() if ax is None else ax
    colors = ["#0072B2"] * len(scores)
    colors[true_class] = "#E69F00"  # Okabe-Ito orange, told apart by hatching too
    bars = ax.bar(np.arange(len(scores)), probs, color=colors, edgecolor="black")
    bars[true_class].set_hatch("//")
    bars[true_class].set_label(f"true class ({true_class})")
    ax.set_xticks(np.arange(len(scores)))
    ax.set_xticklabels([f"{c}\n{s:+.1f}" for c, s in enumerate(scores)])
    ax.set_xlabel("class, and below it the model's score for that class")
    ax.set_ylabel("probability (softmax of the scores)")
    ax.set_ylim(0, 1)
    p = probs[true_class]
    line = f"p(true class) = {p:.2f}, cross-entropy loss = -log {p:.2f} = {-np.log(p):.2f}"
    ax.set_title(f"{title}\n{line}" if title else line)
    ax.legend(loc="upper left")
    return ax
