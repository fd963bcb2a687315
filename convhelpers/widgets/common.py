"""Input checks shared by the widgets of notebooks 01-03 (windows, shuffle, shift), 05 and 06.

Each widget sends its data to the page once; these helpers check that data and the
positions Python sets, with errors that name the argument:

    images, labels, total = as_digits(images, labels, max_images=100)  # (n, H, W) uint8
    self.row = 30   # -> ValueError: row must be in 0..21, got 30   (via in_range)
    every_shift(digit, 8)  # (17, 17, 28, 28): the digit moved by each (dy, dx) in -8..8

DigitStack is the part of a widget that steps through a stack of digits with a slider
(DigitWindow, ShuffleExplorer, ShiftExplorer subclass it). LayerMaps is the part that
shows a network's layer maps for a few digits, a digit, a layer and a channel at a time
(FeatureMaps in 05, ReceptiveFieldExplorer in 07).
"""

import anywidget
import numpy as np
from traitlets import Bytes, Dict, Int, List, observe, validate

from .._validate import as_int, as_numeric_array
from ..conv import sliding_windows

__all__ = [
    "MAX_BYTES",
    "DigitStack",
    "LayerMaps",
    "as_digits",
    "as_labels",
    "check_size",
    "every_shift",
    "in_range",
]

MAX_BYTES = 8_000_000  # data one widget sends to the page (and stores in a static page)


def as_labels(labels, n: int) -> list[int]:
    """labels (n,) integers -> a list of n ints; None -> [] (no labels to show)."""
    if labels is None:
        return []
    labels = np.asarray(labels)
    if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"labels must have one integer entry per image, shape ({n},); "
            f"got {labels.dtype} {labels.shape}"
        )
    return [int(v) for v in labels]


def as_digits(images, labels=None, *, max_images: int = 100) -> tuple[np.ndarray, list, int]:
    """uint8 images (N, H, W) and labels (N,) or None -> the first max_images of both.

    The widget's slider then covers images 0..n-1, n = min(N, max_images). Returns
    (images (n, H, W) uint8, labels as a list ([] for None), N).
    """
    images = as_numeric_array(images, "images", ndim=3)
    if images.dtype != np.uint8:
        raise TypeError(f"images must be uint8 (0-255), got {images.dtype}")
    if labels is not None and np.shape(labels) != (len(images),):
        raise ValueError(
            f"labels must have one entry per image, shape ({len(images)},); got {np.shape(labels)}"
        )
    n = min(len(images), as_int(max_images, "max_images", 1))
    labels = as_labels(None if labels is None else labels[:n], n)
    return np.ascontiguousarray(images[:n]), labels, len(images)


def in_range(value: int, name: str, lo: int, hi: int) -> int:
    """value if lo <= value <= hi, else a ValueError naming the slider and its range."""
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be in {lo}..{hi}, got {value}")
    return value


def check_size(nbytes: int, name: str, hint: str) -> None:
    """A ValueError when a widget would send more than MAX_BYTES to the page for name."""
    if nbytes > MAX_BYTES:
        raise ValueError(
            f"{name} would send {nbytes / 1e6:.1f} MB to the page, more than "
            f"{MAX_BYTES / 1e6:.0f} MB; {hint}"
        )


def every_shift(image: np.ndarray, max_shift: int) -> np.ndarray:
    """image (H, W) moved by every dy, dx in -max_shift..max_shift, zero fill (as shift).

    Returns a read-only view (2m+1, 2m+1, H, W), m = max_shift, whose [dy + m, dx + m]
    equals ``shift(image, dy=dy, dx=dx)``.
    """
    h, w = image.shape
    padded = np.pad(image, max_shift)  # (H + 2m, W + 2m): every moved copy is a window of it
    windows = sliding_windows(padded, h, w)  # [i, j]: the image moved by (m - i, m - j)
    return windows[::-1, ::-1]


class DigitStack(anywidget.AnyWidget):
    """A widget showing one of a stack of digits: the traits and checks it shares (subclass it).

    Data: ``images`` uint8 (n, H, W) with ``shape`` [n, H, W], ``labels`` (n,) or [],
    ``total`` (how many the caller had; the digit slider covers n), ``lut`` (the gray
    colour table). State: ``digit``. Shown: ``image`` (H, W).
    """

    images = Bytes().tag(sync=True)  # uint8 (n, H, W), C order
    shape = List(Int()).tag(sync=True)  # [n, H, W]
    labels = List(Int()).tag(sync=True)  # one per image, or [] when unknown
    total = Int(0).tag(sync=True)  # how many images the caller had (the slider covers n)
    scale = Int(8).tag(sync=True)  # screen pixels per image pixel
    lut = Bytes().tag(sync=True)  # the gray colour table (768 bytes)
    digit = Int(0).tag(sync=True)

    @validate("digit")
    def _check_digit(self, proposal):
        return in_range(proposal["value"], "digit", 0, self.shape[0] - 1)

    @property
    def image(self) -> np.ndarray:
        """The chosen digit, uint8 (H, W)."""
        n, h, w = self.shape
        return np.frombuffer(self.images, np.uint8).reshape(n, h, w)[self.digit]


class LayerMaps(anywidget.AnyWidget):
    """A network's layer maps for a few digits; the page shows one digit, layer, channel.

    Data: ``images`` uint8 (N, H, W); ``maps`` float32, for each entry of ``layers``
    ({index, channels, height, width, offset, ...}) in turn, (N, C, h, w) starting
    ``offset`` floats in; ``limits`` float32 (len(layers), N): colours span -limit..+limit.
    State: ``digit``, ``layer`` (an entry's index), ``channel``; bad values raise a
    ValueError naming the slider.
    """

    OFFERED = "the layers offered"  # says in an error which layers those are
    images = Bytes().tag(sync=True)  # uint8 (N, H, W), 0-255
    shape = List(Int()).tag(sync=True)  # [N, H, W]
    labels = List(Int()).tag(sync=True)  # one per image, or [] when unknown
    layers = List(Dict()).tag(sync=True)
    maps = Bytes().tag(sync=True)
    limits = Bytes().tag(sync=True)
    gray = Bytes().tag(sync=True)  # colour tables (768 bytes each)
    signed = Bytes().tag(sync=True)
    digit = Int(0).tag(sync=True)
    layer = Int(0).tag(sync=True)
    channel = Int(0).tag(sync=True)

    def _entry(self, layer: int) -> dict:
        for entry in self.layers:
            if entry["index"] == layer:
                return entry
        names = [entry["index"] for entry in self.layers]
        raise ValueError(f"layer must be one of {names} ({self.OFFERED}), got {layer}")

    @validate("digit")
    def _check_digit(self, proposal):
        return in_range(proposal["value"], "digit", 0, self.shape[0] - 1)

    @validate("layer")
    def _check_layer(self, proposal):
        self._entry(proposal["value"])
        return proposal["value"]

    @validate("channel")
    def _check_channel(self, proposal):
        channels = self._entry(self.layer)["channels"]
        return in_range(proposal["value"], "channel", 0, channels - 1)

    @observe("layer")
    def _clamp_channel(self, change):
        """A layer with fewer channels moves the channel to its last one."""
        self.channel = min(self.channel, self._entry(self.layer)["channels"] - 1)

    def layer_maps(self) -> np.ndarray:
        """The current layer's maps for the current digit, float32 (C, h, w)."""
        e = self._entry(self.layer)
        c, h, w = e["channels"], e["height"], e["width"]
        n = self.shape[0]
        every = np.frombuffer(self.maps, "<f4", count=n * c * h * w, offset=4 * e["offset"])
        return every.reshape(n, c, h, w)[self.digit]
