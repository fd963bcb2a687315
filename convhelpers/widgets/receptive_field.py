"""Notebook 07's receptive-field explorer: point at a pixel, see the window one unit sees.

    w = receptive_field_widget(model, X_test[:6], y_test[:6])   # drawn by receptive_field.js
    w.layer, w.row, w.col = 3, 14, 14   # layer 3's unit whose window is centred nearest (14, 14)
    w.unit, w.window                    # (7, 7) and (11, 11, 8): its window's top, left, size
    w.shown_value                       # that unit's output in the chosen channel

Every layer that slides a window (convolutions and pooling) is offered. Their windows
(size, jump, start) and their maps for the digits are sent once as float32; the page
redraws every step itself, the kernel is never asked.
"""

import numpy as np
from traitlets import Int, validate

from .._validate import as_int, as_numeric_array
from ..inspect_cnn import SIGNED_CMAP
from ..receptive import layer_output, receptive_field
from .base import esm, f32_bytes, lut_bytes, u8_bytes
from .common import LayerMaps, in_range

__all__ = ["ReceptiveFieldExplorer", "receptive_field_widget"]

MAX_BYTES = 8_000_000  # the maps sent to the page; more would make the notebook slow to open


class ReceptiveFieldExplorer(LayerMaps):
    """A digit with one unit's input window on it, next to that unit's layer map.

    State: ``digit``, ``layer`` (a layer that slides a window), ``row`` and ``col``
    (the input pixel pointed at: the unit shown is the one whose window is centred
    nearest it) and ``channel``. Read back: ``unit``, ``window``, ``shown_map``,
    ``shown_value``. Data: ``layers`` (one dict per offered layer: index, name, size,
    jump, start, kernel, stride, channels, height, width, offset into ``maps``),
    ``maps`` float32 (N, C, h, w) per layer, ``limits`` float32 (layers, N).
    Built by :func:`receptive_field_widget`.
    """

    _esm = esm("receptive_field.js")
    OFFERED = "the layers with a window"
    margin = Int(0).tag(sync=True)  # padding cells drawn around the digit (windows reach there)
    row = Int(0).tag(sync=True)
    col = Int(0).tag(sync=True)

    @validate("row")
    def _check_row(self, proposal):
        return in_range(proposal["value"], "row", 0, self.shape[1] - 1)

    @validate("col")
    def _check_col(self, proposal):
        return in_range(proposal["value"], "col", 0, self.shape[2] - 1)

    @property
    def unit(self) -> tuple[int, int]:
        """(i, j): the unit of the current layer whose window is centred nearest (row, col)."""
        e = self._entry(self.layer)
        centre = e["start"] + (e["size"] - 1) / 2  # of unit 0's window

        def nearest(x, n):  # the same rule as ReceptiveField.unit_near and the page
            return int(np.clip(np.floor((x - centre) / e["jump"] + 0.5), 0, n - 1))

        return nearest(self.row, e["height"]), nearest(self.col, e["width"])

    @property
    def window(self) -> tuple[int, int, int]:
        """(top, left, size) of the current unit's window, in input pixels."""
        e = self._entry(self.layer)
        i, j = self.unit
        return e["start"] + i * e["jump"], e["start"] + j * e["jump"], e["size"]

    @property
    def shown_map(self) -> np.ndarray:
        """The current layer's map for the current digit and channel, float32 (h, w)."""
        return self.layer_maps()[self.channel]

    @property
    def shown_value(self) -> float:
        """The current unit's output in the current channel."""
        return float(self.shown_map[self.unit])


def receptive_field_widget(model, images, labels=None, *, layer: int | None = None):
    """Explore which input pixels one unit of each layer sees; return the widget.

    model: a :class:`convhelpers.Sequential`; images: one digit (H, W) or a few
    (N, H, W), uint8 0-255 or floats; labels: (N,) or None; layer: the layer shown
    first (default: the first convolution). Controls: digit, layer, the pixel
    pointed at (row, column; a click on the digit or the map sets it too), channel.
    """
    images = as_numeric_array(images, "images")
    if images.ndim == 2:
        images = images[None]
    if images.ndim != 3:
        raise ValueError(f"images must be (H, W) or (N, H, W), got shape {images.shape}")
    n, height, width = images.shape
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(
                f"labels must be {n} integer classes, got {labels.dtype} {labels.shape}"
            )
    fields = receptive_field(model, (1, height, width))
    offered = [f for f in fields if f.kernel is not None]  # convolutions and poolings
    if not offered:
        raise ValueError("model has no convolution or pooling layer: no windows to show")
    size = 4 * n * sum(int(np.prod(f.output_shape)) for f in offered)
    if size > MAX_BYTES:
        raise ValueError(f"images: {n} digits need {size / 1e6:.0f} MB of maps, pass fewer")
    entries, parts, limits, offset, margin = [], [], [], 0, 0
    for f in offered:
        maps = layer_output(model, images, f.index)  # (N, C, h, w) float32
        c, h, w = f.output_shape
        entries.append(
            dict(index=f.index, name=f.layer, size=f.size, jump=f.jump, start=f.start,
                 kernel=f.kernel, stride=f.stride, channels=c, height=h, width=w, offset=offset)
        )  # fmt: skip
        parts.append(maps.ravel())
        peak = np.abs(maps).reshape(n, -1).max(axis=1)  # (N,): the colour scale per digit
        limits.append(np.where(peak > 0, peak, 1.0))
        offset += maps.size
        bottom = f.start + (h - 1) * f.jump + f.size - 1  # the last window's far rows and columns
        right = f.start + (w - 1) * f.jump + f.size - 1
        margin = max(margin, -f.start, bottom - (height - 1), right - (width - 1))
    first = offered[0].index if layer is None else as_int(layer, "layer", 0)
    if first not in [e["index"] for e in entries]:
        raise ValueError(f"layer must be one of {[e['index'] for e in entries]}, got {first}")
    vmax = 255 if images.dtype == np.uint8 else max(float(images.max()), 1e-6)
    return ReceptiveFieldExplorer(
        images=u8_bytes(images * (255 / vmax)),
        shape=[n, height, width],
        labels=[] if labels is None else [int(v) for v in labels],
        layers=entries,
        maps=f32_bytes(np.concatenate(parts)),
        limits=f32_bytes(np.stack(limits)),
        margin=int(margin),
        gray=lut_bytes("gray"),
        signed=lut_bytes(SIGNED_CMAP),
        layer=first,
        row=height // 2,
        col=width // 2,
    )
