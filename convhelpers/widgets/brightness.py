"""Notebook 01's brightness/contrast widget: uint8 arithmetic wraps around, float clips.

    w = brightness_contrast(digit)     # a BrightnessContrast, drawn by brightness_contrast.js
    w.brightness = 80                  # the page recomputes both pictures at once
    w.wrapped, w.clipped               # (H, W) uint8: adjust(..., clip=False) and clip=True

The page computes contrast * pixel + brightness itself (rounded half to even, as
numpy's rint), from the image sent once; Python's ``adjust`` gives the same numbers.
"""

import anywidget
import numpy as np
from traitlets import Bool, Bytes, Float, Int, List, validate

from .._validate import as_int, as_numeric_array
from ..grid_widgets import adjust
from .base import esm, lut_bytes, u8_bytes
from .common import in_range

__all__ = ["BrightnessContrast", "brightness_contrast"]


class BrightnessContrast(anywidget.AnyWidget):
    """The image, then contrast * pixel + brightness stored as uint8 (wraps) and clipped.

    State: ``brightness`` (-255..255), ``contrast`` (0..3), ``invert``.
    Shown: ``wrapped`` and ``clipped`` (H, W) uint8.
    Built by :func:`brightness_contrast`.
    """

    _esm = esm("grids.js", "brightness_contrast.js")
    image = Bytes().tag(sync=True)  # uint8 (H, W), C order
    shape = List(Int()).tag(sync=True)  # [H, W]
    scale = Int(8).tag(sync=True)  # screen pixels per image pixel
    lut = Bytes().tag(sync=True)  # the gray colour table (768 bytes)
    brightness = Int(0).tag(sync=True)
    contrast = Float(1.0).tag(sync=True)
    invert = Bool(False).tag(sync=True)

    @validate("brightness")
    def _check_brightness(self, proposal):
        return in_range(proposal["value"], "brightness", -255, 255)

    @validate("contrast")
    def _check_contrast(self, proposal):
        return in_range(proposal["value"], "contrast", 0.0, 3.0)

    @property
    def original(self) -> np.ndarray:
        """The image, uint8 (H, W)."""
        return np.frombuffer(self.image, np.uint8).reshape(self.shape)

    def _adjusted(self, clip: bool) -> np.ndarray:
        settings = {"brightness": self.brightness, "contrast": self.contrast, "invert": self.invert}
        return adjust(self.original, **settings, clip=clip)

    @property
    def wrapped(self) -> np.ndarray:
        """The middle picture: the result stored in uint8 directly (wraps around), (H, W)."""
        return self._adjusted(clip=False)

    @property
    def clipped(self) -> np.ndarray:
        """The right picture: the result clipped to 0-255 first, (H, W) uint8."""
        return self._adjusted(clip=True)


def brightness_contrast(image, *, scale: int = 8) -> BrightnessContrast:
    """Sliders for brightness, contrast and invert; the uint8 result wraps around, float clips.

    image: (H, W) uint8, e.g. a digit.
    """
    image = as_numeric_array(image, "image", ndim=2)
    if image.dtype != np.uint8:
        raise TypeError(f"image must be uint8 (0-255), got {image.dtype}")
    return BrightnessContrast(
        image=u8_bytes(image),
        shape=list(image.shape),
        scale=as_int(scale, "scale", 1),
        lut=lut_bytes("gray"),
    )
