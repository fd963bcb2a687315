"""Notebook 03's shift explorer: move a digit, watch the flattened model's ten scores.

    w = shift_explorer(model, X_test, y_test)   # a ShiftExplorer, drawn by shift_explorer.js
    w.digit, w.dx, w.dy = 2, 3, -2              # the page moves the digit and the bars
    w.shown, w.shown_scores                     # (H, W) the moved digit, (C,) its scores

The model's scores for every digit and every shift in range are computed here in one
batch per digit and sent once; the page picks the row for (digit, dy, dx).
"""

import numpy as np
from traitlets import Bytes, Int, validate

from .._validate import as_int
from ..experiments import cosine_similarity
from ..images import shift
from .base import esm, f32_bytes, lut_bytes, u8_bytes
from .common import DigitStack, as_digits, check_size, every_shift, in_range

__all__ = ["ShiftExplorer", "shift_explorer"]


class ShiftExplorer(DigitStack):
    """A digit moved by dx, dy (zero fill), the model's scores as bars, the cosine similarity.

    State: ``digit``, ``dx``, ``dy`` (-max_shift..max_shift). Shown: ``shown`` (H, W),
    ``shown_scores`` (C,), ``predicted``, ``similarity``. Data: ``images`` uint8
    (n, H, W); ``scores`` float32 (n, 2m+1, 2m+1, C) and ``similarities`` float32
    (n, 2m+1, 2m+1), indexed [digit, dy + m, dx + m] (and DigitStack's traits).
    Built by :func:`shift_explorer`.
    """

    _esm = esm("grids.js", "shift_explorer.js")
    classes = Int(10).tag(sync=True)  # C, scores per image
    max_shift = Int(8).tag(sync=True)  # m
    scores = Bytes().tag(sync=True)  # float32 (n, 2m+1, 2m+1, C)
    similarities = Bytes().tag(sync=True)  # float32 (n, 2m+1, 2m+1)
    dx = Int(0).tag(sync=True)
    dy = Int(0).tag(sync=True)

    @validate("dx", "dy")
    def _check_shift(self, proposal):
        m = self.max_shift
        return in_range(proposal["value"], proposal["trait"].name, -m, m)

    def _row(self, data: bytes, size: int) -> np.ndarray:
        """The part of data (n, 2m+1, 2m+1, size) for the current digit, dy, dx."""
        side = 2 * self.max_shift + 1
        table = np.frombuffer(data, "<f4").reshape(self.shape[0], side, side, size)
        return table[self.digit, self.dy + self.max_shift, self.dx + self.max_shift]

    @property
    def shown(self) -> np.ndarray:
        """The moved digit on display, uint8 (H, W): shift(image, dy, dx)."""
        return shift(self.image, dy=self.dy, dx=self.dx)

    @property
    def shown_scores(self) -> np.ndarray:
        """The model's scores for the moved digit, float32 (C,): the bars."""
        return self._row(self.scores, self.classes)

    @property
    def predicted(self) -> int:
        """The class with the highest score (the bold bar)."""
        return int(np.argmax(self.shown_scores))

    @property
    def similarity(self) -> float:
        """Cosine similarity of the moved digit to the unmoved one."""
        return float(self._row(self.similarities, 1)[0])


def shift_explorer(
    model, images, labels=None, *, max_shift: int = 8, scale: int = 8, max_images: int = 100
) -> ShiftExplorer:
    """Move a digit with dx/dy sliders; the flattened model's ten scores follow as bars.

    model: anything with ``.scores(images (N, H, W)) -> (N, C)``; images (N, H, W)
    uint8; labels (N,) or None. The digit slider covers the first ``max_images``.
    Bars share one scale per digit: its largest |score| over every shift.
    """
    images, labels, total = as_digits(images, labels, max_images=max_images)
    max_shift = as_int(max_shift, "max_shift", 1)
    n, h, w = images.shape
    side = 2 * max_shift + 1
    per_shift = (10 + 1) * 4  # bytes: ten float32 scores and a similarity
    check_size(
        n * side * side * per_shift, "images", "pass fewer (max_images) or a smaller max_shift"
    )
    scores, similarities = [], []
    for image in images:  # one batch per digit: every (dy, dx) in range
        moved = every_shift(image, max_shift).reshape(side * side, h, w)
        scores.append(np.asarray(model.scores(moved)))  # (side*side, C)
        similarities.append([cosine_similarity(m, image) for m in moved])
    scores = np.stack(scores)  # (n, side*side, C)
    return ShiftExplorer(
        images=u8_bytes(images),
        shape=[n, h, w],
        labels=labels,
        total=total,
        classes=scores.shape[-1],
        max_shift=max_shift,
        scores=f32_bytes(scores),
        similarities=f32_bytes(similarities),
        scale=as_int(scale, "scale", 1),
        lut=lut_bytes("gray"),
    )
