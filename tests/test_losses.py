"""softmax and softmax_cross_entropy, including a numeric gradient check."""

import numpy as np
import pytest

from convhelpers import softmax, softmax_cross_entropy


def test_softmax_rows_sum_to_one_and_survive_large_scores():
    s = np.array([[1000.0, 1000.0, 0.0], [1.0, 2.0, 3.0]])
    p = softmax(s)
    np.testing.assert_allclose(p.sum(axis=1), 1)
    np.testing.assert_allclose(p[0], [0.5, 0.5, 0], atol=1e-12)
    assert np.all(np.diff(p[1]) > 0)


def test_loss_value_and_gradient():
    rng = np.random.default_rng(0)
    scores, y = rng.normal(size=(4, 5)), np.array([0, 3, 4, 1])
    loss, d = softmax_cross_entropy(scores, y)
    p = softmax(scores)
    assert np.isclose(loss, -np.mean(np.log(p[np.arange(4), y])))
    h = 1e-6
    numeric = np.zeros_like(scores)
    for idx in np.ndindex(*scores.shape):
        plus, minus = scores.copy(), scores.copy()
        plus[idx] += h
        minus[idx] -= h
        numeric[idx] = (softmax_cross_entropy(plus, y)[0] - softmax_cross_entropy(minus, y)[0]) / (
            2 * h
        )
    np.testing.assert_allclose(d, numeric, rtol=1e-6, atol=1e-9)
    assert np.isfinite(softmax_cross_entropy(np.array([[1e4, -1e4]]), np.array([1]))[0])


def test_loss_shapes_are_checked():
    with pytest.raises(ValueError, match=r"scores must be \(N, C\) and y \(N,\)"):
        softmax_cross_entropy(np.zeros((3, 2)), np.zeros(2, int))
