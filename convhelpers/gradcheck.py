"""Back-propagation, checked: each layer's backward pass against finite differences (05).

    errors = layer_gradient_errors()  # {"convolution, input x": 3e-11, ..., "ReLU": ...}

Each layer gets small random float64 inputs and a made-up gradient ``dout`` "from
the layer above". The test loss L = sum(out * dout) has exactly dout as its gradient
with respect to out, so backward(dout, cache) must return L's gradients with respect
to the inputs, and :func:`convhelpers.gradient_check` compares each of them with
centred finite differences. float64, so that rounding cannot hide a mistake.
"""

import functools

import numpy as np

from . import nn
from .losses import softmax_cross_entropy
from .train import gradient_check

__all__ = ["backward_errors", "layer_gradient_errors"]


def backward_errors(forward, backward, inputs, rng=None) -> list[float]:
    """Relative error of each gradient ``backward`` returns, one per array in ``inputs``.

    forward(*inputs) -> (out, cache); backward(dout, cache) -> the gradients of the
    inputs, in the same order and shapes (one array when there is one input).
    dout is random (from ``rng``, a seed or a Generator), shaped like out.
    """
    rng = np.random.default_rng(rng)
    out, cache = forward(*inputs)
    dout = rng.standard_normal(out.shape)  # the made-up gradient from the layer above
    grads = backward(dout, cache)
    grads = grads if isinstance(grads, tuple) else (grads,)
    if len(grads) != len(inputs):
        raise ValueError(f"backward returned {len(grads)} gradients for {len(inputs)} inputs")
    errors = []
    for i, (x, grad) in enumerate(zip(inputs, grads, strict=True)):

        def loss(v, i=i):  # L as a function of input i alone; gradient_check moves v's entries
            moved = [*inputs[:i], v, *inputs[i + 1 :]]
            return forward(*moved)[0] * dout  # gradient_check sums it: L = sum(out * dout)

        errors.append(gradient_check(loss, x, grad))
    return errors


def layer_gradient_errors(seed: int = 0) -> dict[str, float]:
    """Every layer small_cnn uses, checked: {what was checked: relative error}.

    Convolution (x (2, 3, 6, 6), w (4, 3, 3, 3), b (4,), padding 1); ReLU, 2x2
    max-pooling and flatten on the same x; dense (x (5, 7), w (7, 3), b (3,)); the
    softmax cross-entropy loss (scores (5, 10)). Below about 1e-7 means right.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 3, 6, 6))  # 2 images, 3 channels, 6x6
    w, b = rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)  # 4 kernels, 3 channels
    conv = functools.partial(nn.conv_forward, padding=1)  # (2, 3, 6, 6) -> (2, 4, 6, 6)
    names = ["convolution, input x", "convolution, weights w", "convolution, biases b"]
    conv_errors = backward_errors(conv, nn.conv_backward, [x, w, b], rng)
    errors = dict(zip(names, conv_errors, strict=True))
    for name, forward, backward in [
        ("ReLU", nn.relu_forward, nn.relu_backward),  # (2, 3, 6, 6) -> the same shape
        ("max-pool", nn.maxpool_forward, nn.maxpool_backward),  # -> (2, 3, 3, 3)
        ("flatten", nn.flatten_forward, nn.flatten_backward),  # -> (2, 108)
    ]:
        errors[name] = backward_errors(forward, backward, [x], rng)[0]  # one input, one error

    feats, weights = rng.standard_normal((5, 7)), rng.standard_normal((7, 3))  # 5 examples
    bias = rng.standard_normal(3)
    names = ["dense, input x", "dense, weights w", "dense, biases b"]
    dense = backward_errors(nn.dense_forward, nn.dense_backward, [feats, weights, bias], rng)
    errors.update(zip(names, dense, strict=True))

    scores, labels = rng.standard_normal((5, 10)), rng.integers(0, 10, 5)  # 5 examples, 10 classes
    _, dscores = softmax_cross_entropy(scores, labels)
    errors["softmax cross-entropy"] = gradient_check(
        lambda v: softmax_cross_entropy(v, labels)[0], scores, dscores
    )
    return errors
