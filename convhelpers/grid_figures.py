"""Labelled matplotlib figures for notebooks 01-03: channels, histograms, vectors, shifts.

Grayscale grids use the gray map with a colour bar; signed values (weights,
contributions, edge responses) use the diverging RdBu map centred on zero.
Functions that draw one panel take ``ax=None`` and return the Axes; the
others return the Figure.
"""

import matplotlib.pyplot as plt
import numpy as np

from ._validate import as_numeric_array
from .conv import conv2d
from .images import shift
from .plotting import show_image

__all__ = [
    "plot_accuracy_vs_shift",
    "show_channels",
    "show_contributions",
    "show_equivariance",
    "show_pixel_histograms",
    "show_reference_vectors",
]

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]


def _signed(ax, grid, limit: float, title: str):
    """Show a signed grid in RdBu, centred on 0 (blue positive, red negative); return the image."""
    shown = ax.imshow(grid, cmap="RdBu", vmin=-limit, vmax=limit)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("column (pixels)")
    ax.set_ylabel("row (pixels)")
    return shown


def show_channels(photo):
    """A colour photo (H, W, 3) uint8 and its red, green and blue grids; return the Figure."""
    photo = as_numeric_array(photo, "photo", ndim=3)
    if photo.shape[2] != 3:
        raise ValueError(f"photo must have 3 colour channels (H, W, 3), got {photo.shape}")
    fig, axes = plt.subplots(2, 2, figsize=(12, 12))
    fig.subplots_adjust(wspace=0.3, hspace=0.3)
    axes = axes.ravel()
    show_image(photo, axes[0], title="the photo: three grids stacked")
    for k, name in enumerate(("red", "green", "blue")):
        show_image(photo[..., k], axes[k + 1], title=f"photo[:, :, {k}]: {name} channel")
    return fig


def show_pixel_histograms(image, other, ax=None, *, labels=("original", "shuffled")):
    """Histograms of the values 0-255 of two uint8 images (H, W), drawn over each other.

    Returns the Axes. Identical histograms show as one line.
    """
    image = as_numeric_array(image, "image")
    other = as_numeric_array(other, "other")
    ax = plt.gca() if ax is None else ax
    values = np.arange(256)
    for k, (img, label) in enumerate(zip((image, other), labels, strict=True)):
        counts = np.bincount(np.ravel(img).astype(np.int64), minlength=256)[:256]
        ax.step(
            values,
            counts,
            where="mid",
            color=OKABE_ITO[k],
            linestyle="-" if k == 0 else "--",
            linewidth=2.5 if k == 0 else 1.5,
            label=f"{label} ({img.size} pixels)",
        )
    ax.set_yscale("symlog", linthresh=10)
    ax.set_xlim(-2, 257)
    ax.set(title="How many pixels have each value", xlabel="pixel value (0–255)")
    ax.set_ylabel("number of pixels (log scale above 10)")
    ax.legend()
    return ax


def _mosaic(rows: list, gap: int = 3) -> np.ndarray:
    """Tile rows of pictures (each (C, H, W)) into one grid with NaN gaps between them."""
    n_cols = max(len(r) for r in rows)
    h, w = rows[0].shape[1:]
    out = np.full((len(rows) * (h + gap) - gap, n_cols * (w + gap) - gap), np.nan)
    for i, pictures in enumerate(rows):
        for c, picture in enumerate(pictures):
            out[i * (h + gap) : i * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = picture
    return out


def show_reference_vectors(rows: dict, ax=None, *, gap: int = 3):
    """Reference vectors as pictures: rows maps a row title to an array (C, H, W).

    One row per entry, one column per class, all on one RdBu scale centred on
    0 (blue: ink on that pixel raises the class's score; red: lowers it), drawn
    as a single image with white gaps. Returns the Axes.
    """
    arrays = [as_numeric_array(v, "rows", ndim=3) for v in rows.values()]
    n_cols = max(len(v) for v in arrays)
    h, w = arrays[0].shape[1:]
    if ax is None:
        _, ax = plt.subplots(figsize=(1.35 * n_cols + 2.5, 1.35 * len(arrays) + 1.2))
    limit = max(float(np.abs(v).max()) for v in arrays) or 1.0
    cmap = plt.get_cmap("RdBu").with_extremes(bad="white")
    shown = ax.imshow(_mosaic(arrays, gap), cmap=cmap, vmin=-limit, vmax=limit)
    ax.set_xticks([c * (w + gap) + (w - 1) / 2 for c in range(n_cols)])
    ax.set_xticklabels([f"class {c}" for c in range(n_cols)])
    ax.xaxis.tick_top()
    ax.set_yticks([i * (h + gap) + (h - 1) / 2 for i in range(len(arrays))])
    ax.set_yticklabels(list(rows))
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.figure.colorbar(shown, ax=ax, fraction=0.02, pad=0.01, label="weight per pixel")
    ax.set_title(
        f"Reference vectors, one weight per pixel shown as {h}×{w} pictures "
        "(blue: ink there raises the score, red: lowers it)",
        pad=8,
    )
    return ax


def plot_accuracy_vs_shift(
    shifts,
    curves: dict,
    ax=None,
    *,
    chance: float | None = None,
    title: str = "Test accuracy on shifted digits",
):
    """Accuracy against shift: curves maps a label to accuracies (len(shifts),) in 0-1.

    shifts: pixels (negative = left/up). chance: an optional dotted line (e.g.
    the accuracy of always guessing the commonest class). Returns the Axes.
    """
    shifts = np.asarray(shifts)
    ax = plt.gca() if ax is None else ax
    markers = "os^Dv<>"
    for k, (label, acc) in enumerate(curves.items()):
        acc = np.asarray(acc)
        if acc.shape != shifts.shape:
            raise ValueError(f"curve {label!r} has {acc.shape} values for {shifts.shape} shifts")
        ax.plot(shifts, acc, marker=markers[k % 7], color=OKABE_ITO[k % 7], label=label)
    if chance is not None:
        ax.axhline(chance, color="gray", linestyle=":", label="always the commonest class")
    ax.set_ylim(0, 1.02)
    ax.set_xticks(shifts)
    ax.grid(alpha=0.3)
    ax.set(title=title, xlabel="shift (pixels, zero fill)")
    ax.set_ylabel("test accuracy (0–1)")
    ax.legend()
    return ax


def show_contributions(model, images: dict, c: int, *, boundary: float | None = None):
    """Each image (H, W) and what its pixels add to the model's score for class c.

    images maps a title to an image; the model is a LinearModel. The second
    column shows model.contributions(image, c) on one RdBu scale; boundary
    draws a horizontal line between two rows (e.g. 2.5: between rows 2 and 3).
    Returns the Figure.
    """
    maps = {t: model.contributions(img, c) for t, img in images.items()}  # (H, W) each
    limit = max(float(np.abs(m).max()) for m in maps.values()) or 1.0
    fig, axes = plt.subplots(len(images), 2, figsize=(10, 4.3 * len(images)), squeeze=False)
    fig.subplots_adjust(wspace=0.45, hspace=0.45)  # room for the colour bars and two-line titles
    for (title, image), (ax_img, ax_map) in zip(images.items(), axes, strict=True):
        score = float(model.scores(image)[c])
        show_image(image, ax_img, title=title)
        shown = _signed(
            ax_map, maps[title], limit, f"pixel × weight for class {c}\nscore for {c}: {score:.2f}"
        )
        if boundary is not None:
            between = f"between rows {int(np.floor(boundary))} and {int(np.ceil(boundary))}"
            for ax in (ax_img, ax_map):
                ax.axhline(boundary, color="#E69F00", linewidth=2, linestyle="--", label=between)
            ax_img.legend(loc="lower left", fontsize=8)
    fig.colorbar(shown, ax=axes[:, 1], shrink=0.6, label="contribution to the score")
    return fig


def show_equivariance(image, kernel, *, dy: int = 0, dx: int = 0):
    """A digit and the digit moved (dy, dx), each with its conv2d response to kernel.

    image: (H, W), kernel: (k, k) with k odd; padding k//2 keeps the size.
    The response's maximum is marked in both. Returns the Figure.
    """
    kernel = as_numeric_array(kernel, "kernel", ndim=2)
    moved = shift(image, dy=dy, dx=dx)
    pad = kernel.shape[0] // 2
    responses = [conv2d(img, kernel, padding=pad) for img in (image, moved)]
    limit = max(float(np.abs(r).max()) for r in responses) or 1.0
    fig, axes = plt.subplots(2, 2, figsize=(10, 9))
    fig.subplots_adjust(wspace=0.4, hspace=0.4)
    titles = ("the digit", f"moved dy={dy}, dx={dx}")
    for k, (img, resp) in enumerate(zip((image, moved), responses, strict=True)):
        show_image(img, axes[0, k], title=titles[k])
        r, col = np.unravel_index(np.argmax(resp), resp.shape)
        title = f"conv2d response {resp.shape}\nmax {resp.max():.0f} at ({r}, {col})"
        shown = _signed(axes[1, k], resp, limit, title)
        axes[1, k].plot(col, r, marker="o", markersize=12, fillstyle="none", color="black")
    fig.colorbar(shown, ax=axes[1, :], shrink=0.8, label="response (pixel values × kernel)")
    return fig
