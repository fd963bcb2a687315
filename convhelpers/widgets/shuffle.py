"""Notebook 02's shuffle explorer: one fixed permutation of the pixels, and putting them back.

    w = shuffle_explorer(X_test, y_test, perm)   # a ShuffleExplorer, drawn by shuffle_explorer.js
    w.digit, w.mode = 5, "unshuffled"            # the page redraws at once
    w.shown                                      # (H, W): the picture on the right

The digits and the permutation go to the page once; it shuffles them itself.
"""

import numpy as np
from traitlets import Int, List, Unicode, validate

from .._validate import as_int
from ..images import permute_pixels
from .base import esm, lut_bytes, u8_bytes
from .common import DigitStack, as_digits

__all__ = ["MODES", "ShuffleExplorer", "shuffle_explorer"]

MODES = ("shuffled", "unshuffled")  # unshuffled: shuffled, then put back with argsort(perm)


class ShuffleExplorer(DigitStack):
    """A digit beside the same digit shuffled (or shuffled and put back) with one permutation.

    State: ``digit``, ``mode`` (one of MODES). Shown: ``original`` and ``shown`` (H, W).
    Data: ``images`` uint8 (n, H, W) (see DigitStack), ``perm`` (H*W,).
    Built by :func:`shuffle_explorer`.
    """

    _esm = esm("grids.js", "shuffle_explorer.js")
    perm = List(Int()).tag(sync=True)  # pixel perm[k] of the flat image moves to position k
    mode = Unicode(MODES[0]).tag(sync=True)

    @validate("mode")
    def _check_mode(self, proposal):
        if proposal["value"] not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {proposal['value']!r}")
        return proposal["value"]

    @property
    def original(self) -> np.ndarray:
        """The left-hand picture: the chosen digit, uint8 (H, W) (DigitStack's ``image``)."""
        return self.image

    @property
    def shown(self) -> np.ndarray:
        """The right-hand picture: the digit shuffled, or shuffled and put back (H, W)."""
        shuffled = permute_pixels(self.original, self.perm)
        if self.mode == "shuffled":
            return shuffled
        return permute_pixels(shuffled, np.argsort(self.perm))


def shuffle_explorer(
    images, labels, perm, *, scale: int = 8, max_images: int = 100
) -> ShuffleExplorer:
    """One fixed permutation of the pixels: show a digit shuffled, and put back.

    images: (N, H, W) uint8, labels: (N,) or None, perm: (H*W,) a permutation.
    The digit slider covers the first ``max_images`` digits (sent to the page once).
    """
    images, labels, total = as_digits(images, labels, max_images=max_images)
    permute_pixels(images[:1], perm)  # validates perm against the image size
    return ShuffleExplorer(
        images=u8_bytes(images),
        shape=list(images.shape),
        labels=labels,
        total=total,
        perm=[int(k) for k in np.asarray(perm)],
        scale=as_int(scale, "scale", 1),
        lut=lut_bytes("gray"),
    )
