"""Notebook 06's prediction movers: move one image, watch every model's prediction.

    w = shift_predictions_widget({"MLP": mlp, "CNN": cnn}, X_test[3], 5)   # drawn by
    w.dx = 6                          # shift_predictions.js; the page moves the image
    w.shown                           # (H, W): the moved image
    w.shown_probabilities["CNN"]      # (10,): that model's probabilities for it

Every model's probabilities for every (dy, dx) in range are computed here in one batch
and sent once; a slider step in the page only picks the row.
"""

import anywidget
import numpy as np
from traitlets import Bytes, Int, List, Unicode, validate

from .._validate import as_int, as_numeric_array
from ..images import shift
from ..losses import softmax
from .base import esm, f32_bytes, lut_bytes, u8_bytes
from .common import check_size, every_shift, in_range

__all__ = ["ShiftPredictions", "shift_predictions_widget"]


class ShiftPredictions(anywidget.AnyWidget):
    """An image moved dy rows down and dx columns right, and each model's prediction for it.

    State: ``dy``, ``dx`` (-max_shift..max_shift).
    Shown: ``shown`` (H, W), the moved image in its own dtype, and
    ``shown_probabilities`` {name: (classes,)}. Data: ``probabilities`` float32
    (2m+1, 2m+1, models, classes) indexed [dy + m, dx + m].
    Built by :func:`shift_predictions_widget`.
    """

    _esm = esm("grids.js", "shift_predictions.js")
    image = Bytes().tag(sync=True)  # uint8 (H, W), scaled to 0-255 for display
    shape = List(Int()).tag(sync=True)  # [H, W]
    names = List(Unicode()).tag(sync=True)  # the models, in the table's order
    label = Int(0).tag(sync=True)  # the true class
    classes = Int(10).tag(sync=True)
    max_shift = Int(8).tag(sync=True)  # m
    probabilities = Bytes().tag(sync=True)  # float32 (2m+1, 2m+1, models, classes)
    scale = Int(8).tag(sync=True)  # screen pixels per image pixel
    lut = Bytes().tag(sync=True)  # the gray colour table (768 bytes)
    dy = Int(0).tag(sync=True)
    dx = Int(0).tag(sync=True)

    def __init__(self, source: np.ndarray, **traits):
        self._source = source  # the image as the models saw it (its dtype), (H, W)
        super().__init__(**traits)

    @validate("dx", "dy")
    def _check_shift(self, proposal):
        m = self.max_shift
        return in_range(proposal["value"], proposal["trait"].name, -m, m)

    @property
    def shown(self) -> np.ndarray:
        """The moved image, (H, W) in the image's dtype: shift(image, dy, dx), zero fill."""
        return shift(self._source, dy=self.dy, dx=self.dx)

    @property
    def shown_probabilities(self) -> dict:
        """{model name: its class probabilities (classes,) float32} for the moved image."""
        side = 2 * self.max_shift + 1
        shape = (side, side, len(self.names), self.classes)
        table = np.frombuffer(self.probabilities, "<f4").reshape(shape)
        rows = table[self.dy + self.max_shift, self.dx + self.max_shift]  # (models, classes)
        return dict(zip(self.names, rows, strict=True))


def shift_predictions_widget(
    models: dict, image, label: int, *, max_shift: int = 8
) -> ShiftPredictions:
    """Move one image with two sliders and watch every model's prediction; return the widget.

    models: {name: model with .scores(images (N, H, W)) -> (N, 10)}; image: (H, W),
    e.g. a digit (28, 28) or a canvas (48, 48); label: its true class. The sliders
    move the picture by dy rows down and dx columns right (zero fill, as
    :func:`convhelpers.shift`), from -max_shift to +max_shift.
    """
    image = as_numeric_array(image, "image", ndim=2)
    label = as_int(label, "label", 0)
    max_shift = as_int(max_shift, "max_shift", 1)
    if not isinstance(models, dict) or not models:
        raise TypeError("models must be a non-empty dict {name: model}")
    for name, model in models.items():
        if not callable(getattr(model, "scores", None)):
            raise TypeError(f"models[{name!r}] must have a .scores(images) method")
    side = 2 * max_shift + 1
    check_size(side * side * image.size, "max_shift", "choose a smaller max_shift")  # the batch
    moved = every_shift(image, max_shift).reshape(side * side, *image.shape)  # one batch
    probabilities = np.stack(  # (side*side, models, classes)
        [softmax(np.asarray(m.scores(moved), dtype=np.float64)) for m in models.values()], axis=1
    )
    if label >= probabilities.shape[-1]:
        raise ValueError(f"label must be a class in 0..{probabilities.shape[-1] - 1}, got {label}")
    vmax = 255 if image.dtype == np.uint8 else max(float(image.max()), 1e-6)
    return ShiftPredictions(
        image,
        image=u8_bytes(image * (255 / vmax)),
        shape=list(image.shape),
        names=[str(name) for name in models],
        label=label,
        classes=probabilities.shape[-1],
        max_shift=max_shift,
        probabilities=f32_bytes(probabilities),
        scale=max(1, 224 // max(image.shape)),
        lut=lut_bytes("gray"),
    )
