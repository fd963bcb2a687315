"""Notebook 01's windows: move a window over a digit or a colour photo and read its numbers.

    w = digit_window(images, labels, window=7)   # a DigitWindow, drawn by digit_window.js
    w.digit, w.row, w.col = 3, 10, 7             # the page moves the window too
    w.window                                     # (7, 7): the numbers its table shows

The images go to the page once; every slider step is drawn there, with no message
to the kernel. Python reads what is shown from the same bytes.
"""

import anywidget
import numpy as np
from traitlets import Bytes, Int, List, validate

from .._validate import as_int, as_numeric_array
from .base import esm, lut_bytes, u8_bytes
from .common import DigitStack, as_digits, in_range

__all__ = ["DigitWindow", "PhotoWindow", "digit_window", "photo_window"]


def _window_corner(proposal, height: int, width: int, size: int) -> int:
    """A row or col (proposal's trait) of a size x size window on a (height, width) picture."""
    name = proposal["trait"].name
    return in_range(proposal["value"], name, 0, (height if name == "row" else width) - size)


def _window_size(window, height: int, width: int, picture: str) -> int:
    """window as the side of a window that fits on a (height, width) picture."""
    window = as_int(window, "window", 1)
    if window > min(height, width):
        raise ValueError(
            f"window must be at most {min(height, width)} (the {picture} size), got {window}"
        )
    return window


class DigitWindow(DigitStack):
    """A digit with an orange window on it, and the window's values as a table.

    State: ``digit`` (which image), ``row``, ``col`` (the window's top-left pixel).
    Shown: ``image`` (H, W), ``window`` (size, size). Data: ``images`` uint8 (n, H, W),
    ``labels`` (see DigitStack). Built by :func:`digit_window`.
    """

    _esm = esm("grids.js", "digit_window.js")
    size = Int(7).tag(sync=True)  # the window's side, pixels
    scale = Int(10).tag(sync=True)  # screen pixels per image pixel
    row = Int(0).tag(sync=True)
    col = Int(0).tag(sync=True)

    @validate("row", "col")
    def _check_position(self, proposal):
        return _window_corner(proposal, *self.shape[1:], self.size)

    @property
    def window(self) -> np.ndarray:
        """The numbers under the window, uint8 (size, size): image[row:row+size, col:col+size]."""
        return self.image[self.row : self.row + self.size, self.col : self.col + self.size]


def digit_window(
    images, labels=None, *, window: int = 7, scale: int = 10, max_images: int = 100
) -> DigitWindow:
    """Choose a digit and move a window over it; the window's values follow as a table.

    images: (N, H, W) uint8 digits, labels: (N,) or None. The digit slider covers
    the first ``max_images`` of them (they are sent to the page once).
    """
    images, labels, total = as_digits(images, labels, max_images=max_images)
    n, h, w = images.shape
    window = _window_size(window, h, w, "image")
    return DigitWindow(
        images=u8_bytes(images),
        shape=[n, h, w],
        labels=labels,
        total=total,
        size=window,
        scale=as_int(scale, "scale", 1),
        lut=lut_bytes("gray"),
        row=(h - window) // 2,
        col=(w - window) // 2,
    )


class PhotoWindow(anywidget.AnyWidget):
    """A colour photo with a small window, the window enlarged and its red, green, blue values.

    State: ``row``, ``col`` (the window's top-left pixel). Shown: ``window``
    (size, size, 3). Data: ``photo`` uint8 (H, W, 3). Built by :func:`photo_window`.
    """

    _esm = esm("grids.js", "photo_window.js")
    photo = Bytes().tag(sync=True)  # uint8 (H, W, 3), C order
    shape = List(Int()).tag(sync=True)  # [H, W, 3]
    size = Int(6).tag(sync=True)  # the window's side, pixels
    zoom = Int(24).tag(sync=True)  # screen pixels per pixel of the enlarged window
    lut = Bytes().tag(sync=True)  # the gray colour table of the value tables
    row = Int(0).tag(sync=True)
    col = Int(0).tag(sync=True)

    @validate("row", "col")
    def _check_position(self, proposal):
        return _window_corner(proposal, *self.shape[:2], self.size)

    @property
    def window(self) -> np.ndarray:
        """The pixels under the window, uint8 (size, size, 3): photo[row:row+size, col:col+size]."""
        photo = np.frombuffer(self.photo, np.uint8).reshape(self.shape)
        return photo[self.row : self.row + self.size, self.col : self.col + self.size]


def photo_window(photo, *, window: int = 6, zoom: int = 24) -> PhotoWindow:
    """Move a small window over a colour photo and read its red, green and blue numbers.

    photo: (H, W, 3) uint8. The window starts on the cap's brim of the course photo.
    """
    photo = as_numeric_array(photo, "photo", ndim=3)
    if photo.shape[2] != 3 or photo.dtype != np.uint8:
        raise ValueError(f"photo must be uint8 (H, W, 3), got {photo.dtype} {photo.shape}")
    h, w, _ = photo.shape
    window = _window_size(window, h, w, "photo")
    return PhotoWindow(
        photo=u8_bytes(photo),
        shape=[h, w, 3],
        size=window,
        zoom=as_int(zoom, "zoom", 1),
        lut=lut_bytes("gray"),
        row=min(130, h - window),
        col=min(w // 2, w - window),
    )
