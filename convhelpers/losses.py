"""Softmax and the cross-entropy loss, shared by every classifier in the course."""

import numpy as np

__all__ = ["softmax", "softmax_cross_entropy"]


def softmax(scores) -> np.ndarray:
    """Turn scores (N, C) into probabilities (N, C) that sum to 1 along each row."""
    scores = np.asarray(scores)
    shifted = scores - scores.max(axis=-1, keepdims=True)  # avoids overflow in exp
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy(scores, y) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(scores) against the true classes, and its gradient.

    scores: (N, C) floats, y: (N,) integers in 0..C-1 -> (loss, dscores (N, C)).
    """
    scores = np.asarray(scores)
    y = np.asarray(y)
    n = scores.shape[0]
    if scores.ndim != 2 or y.shape != (n,):
        raise ValueError(f"scores must be (N, C) and y (N,); got {scores.shape} and {y.shape}")
    shifted = scores - scores.max(axis=1, keepdims=True)  # (N, C), avoids overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, C)
    loss = -log_probs[np.arange(n), y].mean()
    dscores = np.exp(log_probs)  # the probabilities
    dscores[np.arange(n), y] -= 1
    return float(loss), dscores / n
