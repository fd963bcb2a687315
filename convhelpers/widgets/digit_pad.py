"""Notebooks 05 and 06 (and 01): draw a digit, see it as the models see it, and what they say.

    pad = DigitPad({"CNN": model})       # draw in the page with a mouse, a finger or a pen
    pad.load(X_test[0])                  # or show a given digit as if it had been drawn
    pad.image                            # uint8 (28, 28): the preprocessed grid the models read
    pad.predictions                      # {"CNN": probabilities (10,)}
    pad.observe(callback, names="image") # react to every new drawing (callback(change))

On every pointer-up the page (digit_pad.js) sends the drawing: its ink on a grid four times
finer than the pad's pixels, and the strokes. Python makes it into an MNIST digit
(mnist_preprocess), runs each model and sends back the grid and the probabilities, which the
page draws. Drawing itself never waits for the kernel; on a page without one, the pad
still draws and says that predictions need a running kernel.
"""

import anywidget
import numpy as np
from traitlets import Bytes, Dict, Instance, Int, List, Unicode, observe

from .._validate import as_int
from ..losses import softmax
from ..preprocess import mnist_preprocess
from .base import esm, lut_bytes

__all__ = ["DigitPad"]

FINER = 4  # drawing-grid cells per pad pixel: a 28x28 pad sends its ink as 112x112


def _array_sync(dtype: str) -> dict:
    """Sync an ndarray trait as {"shape": [...], "data": raw bytes} (JS: a DataView)."""

    def to_json(array, widget):
        return {"shape": list(array.shape), "data": np.ascontiguousarray(array, dtype).tobytes()}

    def from_json(value, widget):
        return np.frombuffer(value["data"], dtype).reshape(value["shape"]).copy()

    return {"sync": True, "to_json": to_json, "from_json": from_json}


def _predictions_to_json(predictions, widget) -> dict:
    return {name: [float(p) for p in probs] for name, probs in predictions.items()}


def _probabilities(model, image: np.ndarray) -> np.ndarray:
    """One image (H, W) uint8 -> the model's class probabilities, float64 (10,)."""
    X = image[None]  # (1, H, W): a batch of one
    if callable(getattr(model, "scores", None)):
        return softmax(np.asarray(model.scores(X), dtype=np.float64))[0]
    return np.asarray(model.predict_proba(X.reshape(1, -1)), dtype=np.float64)[0]


def _check_models(models, side: int) -> dict:
    """models {name: model} -> the same dict, each model tried once on an empty image."""
    if not isinstance(models, dict):
        raise TypeError(f"models must be a dict {{name: model}}, got {type(models).__name__}")
    for name, model in models.items():
        if not isinstance(name, str):
            raise TypeError(f"models' names must be strings, got {name!r}")
        if not any(callable(getattr(model, m, None)) for m in ("scores", "predict_proba")):
            raise TypeError(
                f"models[{name!r}] must have a .scores(images) method (or .predict_proba), "
                f"got {type(model).__name__}"
            )
        try:
            probs = _probabilities(model, np.zeros((side, side), np.uint8))
        except Exception as err:
            raise ValueError(f"models[{name!r}] cannot read a {side}x{side} image: {err}") from err
        if probs.shape != (10,):
            raise ValueError(
                f"models[{name!r}] must give 10 class scores per image, got shape {probs.shape}"
            )
    return dict(models)


class DigitPad(anywidget.AnyWidget):
    """A pad to draw a digit on; beside it the grid the models read, and their probabilities.

    models: {name: model}, each with .scores(images (N, H, W) uint8) -> (N, 10), as
    ch.Sequential, or .predict_proba(X (N, H*W)) -> (N, 10), as scikit-learn's classifiers;
    {} draws and preprocesses only. size: 28 (an MNIST digit, recentred as MNIST's were) or
    larger, e.g. 48 (notebook 06: the digit is scaled to MNIST's size but stays where it
    was drawn, so it can sit in a corner); see ch.mnist_preprocess.

    Read back (also without a browser):
        image        uint8 (28, 28), or (size, size): what the models read; all 0 when empty
        predictions  {name: float64 (10,)} class probabilities; {} when the pad is empty
        drawing      float32 (K, 3): every pointer position drawn, as (x, y, stroke): x and
                     y in pad pixels from the top-left (0 to size; beyond if the pen leaves
                     the pad mid-stroke), stroke 0, 1, ... per pen-down since the last Clear
    React to each new drawing with pad.observe(callback, names="image"): callback(change)
    runs after image and predictions are updated (change["new"] is the new image).
    """

    _esm = esm("digit_pad.js")
    size = Int(28).tag(sync=True)  # the pad's side in digit pixels
    grid = Int(28 * FINER).tag(sync=True)  # side of the ink grid the page sends
    names = List(Unicode()).tag(sync=True)  # the models' names, in order
    lut = Bytes().tag(sync=True)  # gray colour table for the grid (768 bytes)
    image = Instance(np.ndarray).tag(**_array_sync("u1"))
    predictions = Dict().tag(sync=True, to_json=_predictions_to_json)
    drawing = Instance(np.ndarray).tag(**_array_sync("<f4"))
    _ink = Instance(np.ndarray).tag(**_array_sync("u1"))  # what the pad shows, (grid, grid)
    _sent = Int(0).tag(sync=True)  # how many drawings the page has sent
    _answered = Int(0).tag(sync=True)  # how many drawings Python has answered (draw.js askPython)

    def __init__(self, models: dict, *, size: int = 28):
        size = as_int(size, "size", 28)
        side = 28 if size == 28 else size  # the side of the image the models read
        self._models = _check_models(models, side)
        super().__init__(
            size=size,
            grid=size * FINER,
            names=list(self._models),
            lut=lut_bytes("gray"),
            image=np.zeros((side, side), np.uint8),
            drawing=np.zeros((0, 3), np.float32),
            _ink=np.zeros((size * FINER, size * FINER), np.uint8),
        )

    @property
    def models(self) -> dict:
        """The models the pad runs, {name: model} (read-only)."""
        return dict(self._models)

    def load(self, image) -> None:
        """Show image (H, W) on the pad as if it had been drawn there, and predict it.

        image: uint8 0-255 or floats 0-1, covering the whole pad, e.g. an MNIST digit
        (28, 28), or a (48, 48) canvas for size=48. The strokes (drawing) are emptied.
        """
        mnist_preprocess(image, size=self.size)  # checks image: raises for bad input
        ink = np.asarray(image)
        if ink.dtype != np.uint8:  # floats 0-1 (or bools), accepted by mnist_preprocess
            ink = np.round(ink.astype(np.float64) * 255).astype(np.uint8)
        self._replace(ink)

    def clear(self) -> None:
        """Empty the pad (as its Clear button does): no ink, no strokes, no predictions."""
        self._replace(np.zeros((self.grid, self.grid), np.uint8))

    def _replace(self, ink: np.ndarray) -> None:
        with self.hold_sync():  # one message: the page repaints the pad and forgets its strokes
            self.drawing = np.zeros((0, 3), np.float32)
            self._ink = ink
        self._answer(ink)

    @observe("_sent")
    def _on_drawing(self, change) -> None:
        """The page sent a drawing (pointer-up or Clear): answer it."""
        self._answer(self._ink)

    def _answer(self, ink: np.ndarray) -> None:
        """Preprocess ink, run the models, send the grid and the probabilities (one answer)."""
        side = self.image.shape[0]
        if ink.any():
            image = mnist_preprocess(ink, size=self.size)
            predictions = {name: _probabilities(m, image) for name, m in self._models.items()}
        else:
            image, predictions = np.zeros((side, side), np.uint8), {}
        with self.hold_sync():  # the bars first: observers of image may take their time
            self.predictions = predictions
            self._answered += 1
        self.image = image
