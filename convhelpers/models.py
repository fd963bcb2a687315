"""Layers as objects, stacked into a model: the networks notebooks 05 and 06 train.

Each layer wraps the functions of :mod:`convhelpers.nn`: ``forward(x)`` keeps
the cache, ``backward(dout)`` fills ``grads`` (same keys as ``params``) and
returns the gradient for the layer below. ``Sequential`` runs them in order.

    model = small_cnn(seed=0)
    scores = model.forward(x)                 # (N, 1, 28, 28) float32 -> (N, 10)
    loss, dscores = softmax_cross_entropy(scores, y)
    model.backward(dscores)                   # every layer's .grads is now set
"""

import numpy as np

from . import nn
from ._validate import as_int, as_numeric_array
from .images import to_float

__all__ = [
    "Conv2D",
    "Dense",
    "Flatten",
    "GlobalAvgPool",
    "MaxPool2D",
    "ReLU",
    "Sequential",
    "global_pool_cnn",
    "mlp",
    "small_cnn",
    "small_cnn_global_pool",
]


def _he(rng, shape, fan_in) -> np.ndarray:
    """He initialisation: normal with standard deviation sqrt(2 / fan_in), float32."""
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


class Layer:
    """A layer: ``forward(x)``, ``backward(dout)``, and ``params``/``grads`` dicts of arrays.

    A layer without parameters just names the two :mod:`convhelpers.nn`
    functions it runs (``forward_fn``, ``backward_fn``); the others override
    ``forward`` and ``backward``.
    """

    forward_fn = backward_fn = None

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.cache = None

    def forward(self, x):
        out, self.cache = self.forward_fn(x)
        return out

    def backward(self, dout, input_grad=True):
        return self.backward_fn(dout, self.cache)

    def output_shape(self, shape: tuple) -> tuple:
        """The shape of one example's output for an input of ``shape`` (no batch axis)."""
        return shape

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Conv2D(Layer):
    """``out_channels`` filters of size kernel_size x kernel_size over ``in_channels``.

    (N, in_channels, H, W) -> (N, out_channels, Ho, Wo); params "w"
    (out_channels, in_channels, k, k) with He initialisation and "b" (out_channels,) zeros.
    """

    def __init__(self, in_channels, out_channels, kernel_size, *, padding=0, stride=1, rng=None):
        super().__init__()
        rng = np.random.default_rng(rng)
        self.stride, self.padding = stride, padding
        shape = (out_channels, in_channels, kernel_size, kernel_size)
        self.params["w"] = _he(rng, shape, fan_in=in_channels * kernel_size**2)
        self.params["b"] = np.zeros(out_channels, dtype=np.float32)

    def forward(self, x):
        out, self.cache = nn.conv_forward(
            x, self.params["w"], self.params["b"], stride=self.stride, padding=self.padding
        )
        return out

    def backward(self, dout, input_grad=True):
        dx, self.grads["w"], self.grads["b"] = nn.conv_backward(
            dout, self.cache, input_grad=input_grad
        )
        return dx

    def output_shape(self, shape):
        f, _, k, _ = self.params["w"].shape
        h, w = ((n + 2 * self.padding - k) // self.stride + 1 for n in shape[1:])
        return (f, h, w)

    def __repr__(self):
        f, c, k, _ = self.params["w"].shape
        return f"Conv2D({c}→{f}, {k}×{k}, padding={self.padding})"


class ReLU(Layer):
    """max(x, 0) element-wise; no parameters."""

    forward_fn = staticmethod(nn.relu_forward)
    backward_fn = staticmethod(nn.relu_backward)


class MaxPool2D(Layer):
    """2x2 max-pooling, stride 2: (N, C, H, W) -> (N, C, H//2, W//2); no parameters."""

    forward_fn = staticmethod(nn.maxpool_forward)
    backward_fn = staticmethod(nn.maxpool_backward)

    def output_shape(self, shape):
        return (shape[0], shape[1] // 2, shape[2] // 2)


class GlobalAvgPool(Layer):
    """The mean of each channel over all positions: (N, C, H, W) -> (N, C); no parameters."""

    forward_fn = staticmethod(nn.global_avg_pool_forward)
    backward_fn = staticmethod(nn.global_avg_pool_backward)

    def output_shape(self, shape):
        return shape[:1]


class Flatten(Layer):
    """(N, C, H, W) -> (N, C*H*W); no parameters."""

    forward_fn = staticmethod(nn.flatten_forward)
    backward_fn = staticmethod(nn.flatten_backward)

    def output_shape(self, shape):
        return (int(np.prod(shape)),)


class Dense(Layer):
    """Fully connected: (N, in_features) -> (N, out_features).

    params "w" (in_features, out_features) with He initialisation, "b" (out_features,) zeros.
    """

    def __init__(self, in_features, out_features, *, rng=None):
        super().__init__()
        rng = np.random.default_rng(rng)
        self.params["w"] = _he(rng, (in_features, out_features), fan_in=in_features)
        self.params["b"] = np.zeros(out_features, dtype=np.float32)

    def forward(self, x):
        out, self.cache = nn.dense_forward(x, self.params["w"], self.params["b"])
        return out

    def backward(self, dout, input_grad=True):
        dx, self.grads["w"], self.grads["b"] = nn.dense_backward(dout, self.cache)
        return dx

    def output_shape(self, shape):
        return (self.params["w"].shape[1],)

    def __repr__(self):
        d, m = self.params["w"].shape
        return f"Dense({d}→{m})"


class Sequential:
    """Layers applied one after the other; the last one gives the class scores.

    input_shape: one example's (C, H, W); None for H or W accepts any size.
    """

    def __init__(self, *layers: Layer, input_shape: tuple = (1, 28, 28)):
        self.layers = list(layers)
        self.input_shape = tuple(input_shape)

    def _as_input(self, X) -> np.ndarray:
        """X (N, H, W) or (N, C, H, W), uint8 or float -> float (N, C, H, W)."""
        c, h, w = self.input_shape
        expected = f"(N, {h or 'H'}, {w or 'W'}) or (N, {c}, {h or 'H'}, {w or 'W'})"
        X = np.asarray(X)
        if X.ndim == 3 and c == 1:
            X = X[:, None]  # add the channel axis
        ok = X.ndim == 4 and X.shape[1] == c and X.shape[0] > 0
        ok = ok and all(n is None or m == n for m, n in zip(X.shape[2:], (h, w), strict=True))
        if not ok:
            raise ValueError(f"X must have shape {expected}, got {np.shape(X)}")
        if np.issubdtype(X.dtype, np.floating):
            return X  # float32 for training; float64 works too (gradient checks)
        return to_float(X)  # uint8 0-255 -> float32 0-1

    def forward(self, X) -> np.ndarray:
        """Scores of a batch, keeping every layer's cache for backward: X -> (N, 10)."""
        x = self._as_input(X)
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dscores, *, input_grad: bool = False):
        """Back-propagate dscores (N, 10); fills every layer's ``grads``.

        Returns the gradient with respect to the input images (N, C, H, W) when
        input_grad=True, else None (the first layer then skips computing it).
        """
        grad = dscores
        for i in range(len(self.layers) - 1, -1, -1):
            grad = self.layers[i].backward(grad, input_grad=input_grad or i > 0)
        return grad

    def scores(self, X, *, batch_size: int | None = None) -> np.ndarray:
        """Class scores: images (N, 28, 28) or (N, C, H, W), uint8 or float -> (N, 10) float32.

        Computed batch_size images at a time (default: about 100,000 pixels, 128 digits).
        """
        X = as_numeric_array(X, "X")
        batch_size = _inference_batch(X, batch_size)
        with nn.blas_threads():
            parts = [self.forward(X[i : i + batch_size]) for i in range(0, len(X), batch_size)]
        self._drop_caches()
        return np.concatenate(parts).astype(np.float32, copy=False)

    def predict(self, X) -> np.ndarray:
        """Predicted classes: images (N, 28, 28) or (N, C, H, W) -> (N,) int64."""
        return self.scores(X).argmax(axis=1).astype(np.int64)

    def activations(self, X, *, batch_size: int | None = None) -> list[np.ndarray]:
        """Every layer's output for images X: a list with one (N, ...) array per layer.

        Computed batch_size images at a time (as in scores), so memory stays small for large N.
        """
        X = as_numeric_array(X, "X")
        batch_size = _inference_batch(X, batch_size)
        batches = []  # batches[b][k]: layer k's output for batch b
        with nn.blas_threads():
            for i in range(0, len(X), batch_size):
                x = self._as_input(X[i : i + batch_size])
                outputs = []
                for layer in self.layers:
                    x = layer.forward(x)
                    outputs.append(x)
                batches.append(outputs)
        self._drop_caches()
        return [np.concatenate(per_layer) for per_layer in zip(*batches, strict=True)]

    def _drop_caches(self) -> None:
        """Forget what forward kept for backward: after predicting, nothing needs it."""
        for layer in self.layers:
            layer.cache = None

    def num_params(self) -> int:
        """How many numbers training adjusts (all weights and biases)."""
        return sum(p.size for layer in self.layers for p in layer.params.values())

    def summary(self) -> str:
        """A table: each layer, its output shape for one example, its number of parameters."""
        shape = self.input_shape
        lines = [f"{'layer':<32}{'output shape':<18}{'parameters':>10}"]
        lines.append(f"{'input':<32}{str(shape):<18}{0:>10,}")
        for layer in self.layers:
            shape = layer.output_shape(shape)
            n = sum(p.size for p in layer.params.values())
            lines.append(f"{layer!r:<32}{str(shape):<18}{n:>10,}")
        lines.append(f"{'total':<50}{self.num_params():>10,}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return "Sequential(" + ", ".join(map(repr, self.layers)) + ")"


def _inference_batch(X: np.ndarray, batch_size: int | None) -> int:
    """batch_size, or as many images as make about 100,000 pixels (128 digits of 28x28)."""
    if batch_size is not None:
        return as_int(batch_size, "batch_size", 1)
    if X.ndim < 3:
        return 128  # not images: _as_input will say what shape was expected
    return max(1, 128 * 28 * 28 // (X.shape[-1] * X.shape[-2]))


def small_cnn(seed: int = 0) -> Sequential:
    """The CNN notebook 05 trains: (N, 28, 28) digits -> (N, 10) scores.

    conv 3x3 (1→8, padding 1) → max-pool → ReLU → conv 3x3 (8→32, padding 1)
    → max-pool → ReLU → flatten (32·7·7 = 1568) → dense (1568 → 128) → ReLU →
    dense (128 → 10). ReLU comes after the pooling: max-pooling and ReLU
    commute, and ReLU then touches 4x fewer numbers.
    """
    rng = np.random.default_rng(seed)
    return Sequential(
        Conv2D(1, 8, 3, padding=1, rng=rng),
        MaxPool2D(),
        ReLU(),
        Conv2D(8, 32, 3, padding=1, rng=rng),
        MaxPool2D(),
        ReLU(),
        Flatten(),
        Dense(32 * 7 * 7, 128, rng=rng),
        ReLU(),
        Dense(128, 10, rng=rng),
    )


def mlp(seed: int = 0, hidden: int = 128) -> Sequential:
    """A multi-layer perceptron on the flattened pixels: (N, 28, 28) -> (N, 10).

    flatten (784) → dense (784 → hidden) → ReLU → dense (hidden → 10).
    """
    rng = np.random.default_rng(seed)
    return Sequential(Flatten(), Dense(784, hidden, rng=rng), ReLU(), Dense(hidden, 10, rng=rng))


def small_cnn_global_pool(seed: int = 0) -> Sequential:
    """small_cnn with global average pooling in place of Flatten: any size (N, H, W) -> (N, 10).

    The same layers and initial weights (same seed) except the head's first dense
    layer, which now reads 32 channel averages instead of 32·7·7 = 1568 values:
    conv 3x3 (1→8) → max-pool → ReLU → conv 3x3 (8→32) → max-pool → ReLU →
    global average pool (32) → dense (32 → 128) → ReLU → dense (128 → 10).
    """
    model = small_cnn(seed)
    i = next(i for i, layer in enumerate(model.layers) if isinstance(layer, Flatten))
    model.layers[i] = GlobalAvgPool()
    model.layers[i + 1] = Dense(32, 128, rng=np.random.default_rng([seed, 1]))
    model.input_shape = (1, None, None)
    return model


def global_pool_cnn(seed: int = 0) -> Sequential:
    """small_cnn's two convolutions, two more, then global average pooling: (N, H, W) -> (N, 10).

    conv 3x3 (1→8) → max-pool → ReLU → conv 3x3 (8→32) → max-pool → ReLU →
    conv 3x3 (32→64) → max-pool → ReLU → conv 3x3 (64→64) → ReLU →
    global average pool (64) → dense (64 → 10); every conv has padding 1.
    The third pooling lets the last convolution see the whole 28x28 digit;
    no layer depends on where a feature is, so any image size works.
    """
    rng = np.random.default_rng(seed)
    return Sequential(
        Conv2D(1, 8, 3, padding=1, rng=rng),
        MaxPool2D(),
        ReLU(),
        Conv2D(8, 32, 3, padding=1, rng=rng),
        MaxPool2D(),
        ReLU(),
        Conv2D(32, 64, 3, padding=1, rng=rng),
        MaxPool2D(),
        ReLU(),
        Conv2D(64, 64, 3, padding=1, rng=rng),
        ReLU(),
        GlobalAvgPool(),
        Dense(64, 10, rng=rng),
        input_shape=(1, None, None),
    )
