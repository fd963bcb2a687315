"""Notebook 05's feature-maps widget: every layer's output for a few digits, channel by channel.

    w = feature_maps_widget(model, X_test[:12], y_test[:12])   # drawn by feature_maps.js
    w.digit, w.layer, w.channel = 2, 3, 10                     # the page redraws at once
    w.shown_maps                   # (h, w): the channel shown enlarged
    w.shown_probabilities          # (10,): the network's class probabilities for the digit

Each layer's activations for the given digits are computed once here and sent as
float32; the page colours them (one scale per layer and digit, centred on 0, white).
"""

import numpy as np
from traitlets import Bytes, Int

from .._validate import as_numeric_array
from ..inspect_cnn import SIGNED_CMAP
from ..losses import softmax
from .base import esm, f32_bytes, lut_bytes, u8_bytes
from .common import LayerMaps, as_labels, check_size

__all__ = ["FeatureMaps", "feature_maps_widget"]


class FeatureMaps(LayerMaps):
    """A digit's feature maps through every layer: one channel enlarged, all as a strip.

    State: ``digit``, ``layer`` (a model layer whose output is a stack of maps),
    ``channel``. Shown: ``shown_maps`` (h, w),
    ``shown_probabilities`` (10,), ``prediction``. Data: ``maps`` float32, for each
    entry of ``layers`` in turn (N, C, h, w) at its ``offset``; ``limits`` float32
    (layers, N), each layer's colour scale per digit. Built by :func:`feature_maps_widget`.
    """

    _esm = esm("grids.js", "feature_maps.js")
    OFFERED = "layers with feature maps"
    probabilities = Bytes().tag(sync=True)  # float32 (N, classes): softmax of the scores
    classes = Int(10).tag(sync=True)

    @property
    def shown_maps(self) -> np.ndarray:
        """The channel shown enlarged, float32 (h, w)."""
        return self.layer_maps()[self.channel]

    @property
    def shown_probabilities(self) -> np.ndarray:
        """The network's class probabilities for the current digit, float32 (classes,)."""
        table = np.frombuffer(self.probabilities, "<f4").reshape(self.shape[0], self.classes)
        return table[self.digit]

    @property
    def prediction(self) -> int:
        """The class the network predicts for the current digit."""
        return int(np.argmax(self.shown_probabilities))


def feature_maps_widget(model, images, labels=None) -> FeatureMaps:
    """Explore the feature maps of a few digits through every layer; return the widget.

    model: a :class:`convhelpers.Sequential`; images: one digit (H, W) or several
    (N, H, W); labels: (N,) or None. Controls: a digit slider (when N > 1), a layer
    menu (every layer whose output is a stack of maps (C, h, w)) and a channel
    slider. Shown: the input, the chosen channel enlarged, all channels of the layer
    with the chosen one outlined, and the network's class probabilities.
    """
    images = as_numeric_array(images, "images")
    if images.ndim == 2:
        images = images[None]
    if images.ndim != 3:
        raise ValueError(f"images must be (H, W) or (N, H, W), got shape {images.shape}")
    n, h, w = images.shape
    labels = as_labels(labels, n)
    first = model.activations(images[:1])  # one (1, ...) array per layer
    stacks = [i for i, a in enumerate(first) if a.ndim == 4]  # outputs (1, C, h, w)
    if not stacks:
        raise ValueError("model has no layer whose output is a stack of feature maps")
    check_size(4 * n * sum(first[i].size for i in stacks), "images", "pass fewer digits")
    outputs = model.activations(images)  # one (N, ...) array per layer
    layers, offset = [], 0
    for i in stacks:
        _, c, mh, mw = outputs[i].shape
        name = repr(model.layers[i])
        layers.append(dict(index=i, name=name, channels=c, height=mh, width=mw, offset=offset))
        offset += outputs[i].size
    maps = np.concatenate([outputs[i].ravel() for i in stacks])
    limits = np.stack([np.abs(outputs[i]).reshape(n, -1).max(axis=1) for i in stacks])  # (L, N)
    vmax = 255 if images.dtype == np.uint8 else max(float(images.max()), 1e-6)
    probabilities = softmax(np.asarray(outputs[-1], dtype=np.float64))  # (N, classes)
    return FeatureMaps(
        images=u8_bytes(images * (255 / vmax)),
        shape=[n, h, w],
        labels=labels,
        layers=layers,
        maps=f32_bytes(maps),
        limits=f32_bytes(np.where(limits > 0, limits, 1.0)),
        probabilities=f32_bytes(probabilities),
        classes=probabilities.shape[1],
        gray=lut_bytes("gray"),
        signed=lut_bytes(SIGNED_CMAP),
        layer=stacks[0],
    )
