"""The flattened model: multinomial logistic regression on the pixels, in numpy.

Every class c has a "reference vector" w_c with one number per pixel (784 for a
28x28 digit). A digit's score for class c is the dot product of its pixels with
w_c, plus a bias b_c; the class with the highest score is the prediction.
Training moves the reference vectors by stochastic gradient descent on the
softmax cross-entropy loss.

    model = train_linear(X_train, y_train)      # (N, 28, 28) uint8, (N,) int
    model.predict(X_test)                       # (N,) int64
    model.reference_vectors()                   # (10, 28, 28): one picture per class

The model sees each image as a flat list of numbers: which pixel is next to
which plays no part in it.
"""

import numbers

import numpy as np
from threadpoolctl import threadpool_limits

from ._validate import as_int, as_numeric_array
from .images import to_float
from .losses import softmax_cross_entropy

__all__ = ["LinearModel", "train_linear"]


class LinearModel:
    """Scores = flattened pixels @ W + b.

    W: (D, C) float32, one column (a reference vector) per class, D = H*W pixels;
    b: (C,) float32; image_shape: (H, W) of the images it takes.
    ``loss_history`` holds the mean training loss of each epoch (empty if untrained).
    """

    def __init__(self, W, b, image_shape: tuple[int, int] = (28, 28)):
        W = as_numeric_array(W, "W", ndim=2).astype(np.float32)
        b = as_numeric_array(b, "b", ndim=1).astype(np.float32)
        h, w = (as_int(n, "image_shape", 1) for n in image_shape)
        if W.shape[0] != h * w or b.shape != (W.shape[1],):
            raise ValueError(
                f"W must be (H*W, C) = ({h * w}, C) and b (C,); got W {W.shape} and b {b.shape}"
            )
        self.W, self.b, self.image_shape = W, b, (h, w)
        self.loss_history: list[float] = []

    def _flat(self, X) -> np.ndarray:
        """Images (..., H, W), uint8 0-255 or float 0-1 -> float32 (..., H*W)."""
        X = to_float(X)
        if X.shape[-2:] != self.image_shape:
            raise ValueError(
                f"X must hold images of shape {self.image_shape}: (N, H, W) or (H, W); "
                f"got {X.shape}"
            )
        return X.reshape(*X.shape[:-2], -1)

    def scores(self, X) -> np.ndarray:
        """Class scores: X (N, H, W) -> (N, C) float32; one image (H, W) -> (C,)."""
        return self._flat(X) @ self.W + self.b

    def predict(self, X) -> np.ndarray:
        """Predicted classes: X (N, H, W) -> (N,) int64; one image (H, W) -> a 0-d int64."""
        return np.argmax(self.scores(X), axis=-1).astype(np.int64)

    def reference_vectors(self) -> np.ndarray:
        """The columns of W as pictures: (C, H, W) float32, one per class."""
        return self.W.T.reshape(-1, *self.image_shape).copy()

    def contributions(self, image, c: int) -> np.ndarray:
        """What each pixel adds to class c's score: image (H, W) -> (H, W) float32.

        pixel value (0-1) times that pixel's weight for c; the map's sum plus
        b[c] is the score ``scores(image)[c]``.
        """
        c = as_int(c, "c", 0)
        if c >= self.W.shape[1]:
            raise ValueError(f"c must be a class in 0..{self.W.shape[1] - 1}, got {c}")
        x = to_float(as_numeric_array(image, "image", ndim=2))
        if x.shape != self.image_shape:
            raise ValueError(f"image must have shape {self.image_shape}, got {x.shape}")
        return x * self.reference_vectors()[c]  # (H, W)

    def num_params(self) -> int:
        """How many numbers training adjusts: D*C weights + C biases (7,850 for digits)."""
        return self.W.size + self.b.size

    def __repr__(self) -> str:
        d, c = self.W.shape
        return f"LinearModel({d} pixels → {c} classes, {self.num_params():,} parameters)"


def _check_labels(y, n: int, num_classes: int) -> np.ndarray:
    """y as int64 (n,) with values in 0..num_classes-1, or a ValueError/TypeError."""
    y = as_numeric_array(y, "y", ndim=1)
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"y must have one label per image ({n}), got shape {y.shape}")
    if y.min() < 0 or y.max() >= num_classes:
        raise ValueError(f"y must be in 0..{num_classes - 1}, got values {y.min()}..{y.max()}")
    return y.astype(np.int64)


def train_linear(
    X,
    y,
    *,
    lr: float = 0.2,
    num_epochs: int = 15,
    batch_size: int = 64,
    seed: int = 0,
    num_classes: int = 10,
) -> LinearModel:
    """Train the flattened model by mini-batch SGD on the softmax cross-entropy.

    X: (N, H, W) uint8 (0-255) or float (0-1) images; y: (N,) int labels in
    0..num_classes-1 -> a LinearModel. The weights start at zero, so the only
    randomness is the order of the examples in each epoch, drawn from ``seed``:
    the same arguments always give the same model.
    """
    X = as_numeric_array(X, "X", ndim=3)
    y = _check_labels(y, len(X), as_int(num_classes, "num_classes", 2))
    num_epochs = as_int(num_epochs, "num_epochs", 1)
    batch_size = as_int(batch_size, "batch_size", 1)
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not lr > 0:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    n, h, w = X.shape
    flat = to_float(X).reshape(n, h * w)  # (N, D)
    model = LinearModel(np.zeros((h * w, num_classes)), np.zeros(num_classes), (h, w))
    rng = np.random.default_rng(seed)
    with threadpool_limits(limits=1, user_api="blas"):  # small products: 1 thread is faster
        for _ in range(num_epochs):
            _train_epoch(model, flat, y, rng.permutation(n), lr, batch_size)
    return model


def _train_epoch(model: LinearModel, flat, y, order, lr: float, batch_size: int) -> None:
    """One pass over the examples flat (N, D), y (N,) in ``order``; updates W and b in place."""
    losses = []
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        xb = flat[batch]  # (B, D)
        loss, dscores = softmax_cross_entropy(xb @ model.W + model.b, y[batch])  # (B, C)
        model.W -= lr * (xb.T @ dscores)  # (D, C): the gradient of the mean loss
        model.b -= lr * dscores.sum(axis=0)
        losses.append(loss)
    model.loss_history.append(float(np.mean(losses)))
