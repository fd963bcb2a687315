"""A drawing made into an MNIST digit, the way MNIST's digits were made (notebooks 05-06).

    digit = mnist_preprocess(drawing)              # any (H, W) drawing -> uint8 (28, 28)
    canvas = mnist_preprocess(drawing, size=48)    # 48x48: the digit stays where it was drawn

MNIST's recipe (LeCun, Cortes and Burges): each handwritten digit was scaled to fit a
20x20 box, its aspect ratio kept, which turned its black-and-white pixels into grey levels
at the edges (anti-aliasing); then it was placed in a 28x28 image so that its centre of
mass sits at the centre. Every digit of ch.load_digits() has its longer side 20 pixels
long (two of 10,000: 19) and its centre of mass within 0.5 pixel of (14, 14): the
digits were moved by whole pixels. Used by ch.DigitPad (widgets/digit_pad.py).
"""

import numpy as np
from scipy import ndimage

from ._validate import as_int, as_numeric_array
from .images import to_float

__all__ = ["mnist_preprocess"]

BOX = 20  # the digit's longer side after scaling, in pixels
FIELD = 28  # MNIST's image size
CENTRE = 14.0  # where MNIST put the centre of mass, in pixel indices (row, column)


def _area_weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in): row i holds the share of each input pixel inside output pixel i.

    Output pixel i covers [i, i + 1) in output units; input pixel j covers
    [j * s, (j + 1) * s) with s = n_out / n_in. Each row sums to 1, so multiplying
    by this matrix averages the input over the area each output pixel covers.
    """
    s = n_out / n_in
    starts, ends = np.arange(n_in) * s, np.arange(1, n_in + 1) * s  # input edges, (n_in,)
    out = np.arange(n_out)[:, None]  # (n_out, 1)
    overlap = np.clip(np.minimum(ends, out + 1) - np.maximum(starts, out), 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)  # (n_out, n_in)


def _resize_area(grid: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resize (H, W) floats to (height, width) by area averaging (anti-aliased)."""
    rows = _area_weights(grid.shape[0], height)  # (height, H)
    cols = _area_weights(grid.shape[1], width)  # (width, W)
    return rows @ grid @ cols.T  # (height, H) @ (H, W) @ (W, width)


def _ink(image) -> np.ndarray:
    """Check a drawing and return its ink as floats (H, W) in 0-1."""
    if isinstance(image, np.ndarray) and image.dtype == bool:
        image = image.astype(np.float32)  # True = ink
    image = as_numeric_array(image, "image", ndim=2)
    if np.issubdtype(image.dtype, np.integer) and image.dtype != np.uint8:
        raise TypeError(
            f"image must be uint8 (0-255) or floats (0-1), got dtype {image.dtype}: "
            "use image.astype(np.uint8) for values 0-255"
        )
    ink = to_float(image)  # uint8 0-255 -> 0-1; floats unchanged
    if ink.min() < 0 or ink.max() > 1:
        raise ValueError(
            f"image floats must lie in 0-1 (0 = no ink), got {ink.min():g}..{ink.max():g}; "
            "divide by 255, or pass uint8"
        )
    if not ink.any():
        raise ValueError("image is empty (no pixel above 0): there is no digit to preprocess")
    return ink.astype(np.float64)


def _scaled_digit(ink: np.ndarray) -> np.ndarray:
    """Crop ink (H, W) to its bounding box; scale that so its longer side is BOX pixels.

    Returns the digit (h, w), floats 0-1, max(h, w) == BOX, aspect ratio kept.
    """
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    box = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]  # (bh, bw): the ink's box
    scale = BOX / max(box.shape)
    h, w = (max(1, round(n * scale)) for n in box.shape)
    return _resize_area(box, h, w)


def _place(digit: np.ndarray, size: int, target: tuple[float, float]) -> np.ndarray:
    """Paste digit (h, w) into a size x size field, moved by whole pixels so that its centre
    of mass lands as close to target (row, col) as the field allows."""
    com = ndimage.center_of_mass(digit)  # (row, col) inside the digit's own grid
    field = np.zeros((size, size))
    top, left = (
        int(np.clip(round(t - c), 0, size - n))
        for t, c, n in zip(target, com, digit.shape, strict=True)
    )
    field[top : top + digit.shape[0], left : left + digit.shape[1]] = digit
    return field


def mnist_preprocess(image, *, size: int = 28) -> np.ndarray:
    """A drawing (H, W) -> uint8 (28, 28), made the way MNIST's digits were made.

    1. Crop the drawing to the bounding box of its ink (pixels above 0).
    2. Scale the box, aspect ratio kept, so that its longer side is 20 pixels, by area
       averaging: each new pixel is the mean of the drawing under it, so edges turn grey.
    3. Place it in a 28x28 image so that its centre of mass lands on pixel (14, 14),
       moved by whole pixels as MNIST's digits were (so within 0.5 pixel).

    size > 28 (notebook 06: 48) -> uint8 (size, size): the drawing stands for the whole
    size x size canvas and the digit is NOT recentred. Steps 1-2 as above (a 20-pixel
    digit, as MNIST's are in their 28x28), then its centre of mass goes where the
    drawing's centre of mass was on the canvas (kept inside the canvas).

    image: (H, W) uint8 0-255 or floats 0-1, 0 = no ink (white ink on black, as MNIST).
    Raises ValueError for an empty drawing (no ink), NaN, or values out of range.
    """
    size = as_int(size, "size", FIELD)
    ink = _ink(image)
    digit = _scaled_digit(ink)  # (h, w), longer side BOX
    if size == FIELD:
        target = (CENTRE, CENTRE)
    else:
        # the drawing's centre of mass, in canvas pixels: drawing pixel i spans
        # [i, i + 1) of H pixels, which is [i, i + 1) * size / H on the canvas
        target = tuple(
            (c + 0.5) * size / n - 0.5
            for c, n in zip(ndimage.center_of_mass(ink), ink.shape, strict=True)
        )
    field = _place(digit, size, target)
    return np.round(field * 255).astype(np.uint8)
