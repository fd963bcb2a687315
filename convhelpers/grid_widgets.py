"""Image arithmetic for notebook 01: brightness and contrast, stored with or without clipping.

    adjust(digit, brightness=100)               # clipped to 0-255: the right way
    adjust(digit, brightness=100, clip=False)   # what uint8 arithmetic does: 300 -> 44

The live widgets of notebooks 01-03 (digit_window, photo_window, brightness_contrast,
shuffle_explorer, shift_explorer) are in convhelpers/widgets/.
"""

import numpy as np

from ._validate import as_numeric_array

__all__ = ["adjust"]


def _exact(image: np.ndarray, brightness, contrast, invert) -> np.ndarray:
    """contrast * pixel + brightness (after 255 - pixel if invert), rounded: float64 (H, W)."""
    exact = image.astype(np.float64)
    if invert:
        exact = 255 - exact
    return np.rint(contrast * exact + brightness)


def _as_uint8_image(image) -> np.ndarray:
    image = as_numeric_array(image, "image", ndim=2)
    if image.dtype != np.uint8:
        raise TypeError(f"image must be uint8 (0-255), got {image.dtype}")
    return image


def adjust(
    image, *, brightness: float = 0, contrast: float = 1.0, invert: bool = False, clip=True
) -> np.ndarray:
    """contrast * pixel + brightness (after 255 - pixel if invert), stored as uint8.

    image: (H, W) uint8 -> (H, W) uint8. The arithmetic is exact (float64),
    then rounded. clip=True clips to 0-255 first (the right way). clip=False
    keeps only the last 8 bits, as uint8 arithmetic does: 300 -> 44, -20 -> 236.
    """
    return _store(_exact(_as_uint8_image(image), brightness, contrast, invert), clip)


def _store(exact: np.ndarray, clip: bool) -> np.ndarray:
    """Whole numbers (H, W) -> uint8: clipped to 0-255, or wrapped (kept mod 256)."""
    if clip:
        return np.clip(exact, 0, 255).astype(np.uint8)
    return exact.astype(np.int64).astype(np.uint8)  # int64 -> uint8 keeps the value mod 256
