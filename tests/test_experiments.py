"""The measured experiments on small data: permuted pixels, shifted digits, cosine similarity."""

import numpy as np
import pytest

from convhelpers import (
    LinearModel,
    accuracy_vs_shift,
    cosine_similarity,
    load_digits,
    permutation_experiment,
    permute_pixels,
    shift,
)


class _TopRowModel:
    """Predicts 1 when row 0 has ink, else 0: accuracy depends on where the ink is."""

    def predict(self, X):
        return (np.asarray(X)[:, 0].sum(axis=1) > 0).astype(np.int64)


def _dots(n=6):
    """(n, 5, 5) images with one lit pixel at (0, 2) and labels 1: _TopRowModel gets all right."""
    X = np.zeros((n, 5, 5), dtype=np.uint8)
    X[:, 0, 2] = 255
    return X, np.ones(n, dtype=np.int64)


def test_cosine_similarity():
    a = np.array([[1.0, 0.0], [0.0, 0.0]])
    assert cosine_similarity(a, a) == pytest.approx(1.0)
    assert cosine_similarity(a, a[::-1]) == 0.0
    assert cosine_similarity(a, -a) == pytest.approx(-1.0)
    assert cosine_similarity([3, 4], [4, 3]) == pytest.approx(24 / 25)
    assert cosine_similarity(np.zeros(4), np.ones(4)) == 0.0
    big = np.full((28, 28), 255, dtype=np.uint8)  # uint8 products would overflow
    assert cosine_similarity(big, big) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same number of values"):
        cosine_similarity(np.ones(3), np.ones(4))


def test_accuracy_vs_shift_moves_in_the_named_direction():
    X, y = _dots()
    model = _TopRowModel()
    shifts = [-2, -1, 0, 1, 2]
    # moving right keeps the pixel in row 0 until it leaves the 5-pixel-wide frame
    np.testing.assert_array_equal(accuracy_vs_shift(model, X, y, shifts, direction="dx"), 1.0)
    np.testing.assert_array_equal(
        accuracy_vs_shift(model, X, y, [0, 2, 3], direction="dx"), [1.0, 1.0, 0.0]
    )
    # moving down (or up: the pixel falls off the top) takes it out of row 0
    acc_dy = accuracy_vs_shift(model, X, y, shifts, direction="dy")
    np.testing.assert_array_equal(acc_dy, [0, 0, 1, 0, 0])
    acc_both = accuracy_vs_shift(model, X, y, np.array([0, 1]), direction="both")
    assert acc_both.dtype == np.float64 and list(acc_both) == [1.0, 0.0]


def test_accuracy_vs_shift_matches_shifting_by_hand():
    X, y = load_digits()
    X, y = X[:300], y[:300]
    model = LinearModel(np.random.default_rng(0).normal(size=(784, 10)), np.zeros(10))
    acc = accuracy_vs_shift(model, X, y, [0, -3, 4], direction="dy")
    for a, s in zip(acc, [0, -3, 4], strict=True):
        assert a == pytest.approx(np.mean(model.predict(shift(X, dy=s)) == y))


def test_accuracy_vs_shift_bad_input():
    X, y = _dots()
    with pytest.raises(ValueError, match="direction must be one of"):
        accuracy_vs_shift(_TopRowModel(), X, y, [0], direction="left")
    with pytest.raises(TypeError, match="predict"):
        accuracy_vs_shift(object(), X, y, [0])
    with pytest.raises(ValueError, match="one label per image"):
        accuracy_vs_shift(_TopRowModel(), X, y[:2], [0])
    with pytest.raises(TypeError, match="shifts must be an integer"):
        accuracy_vs_shift(_TopRowModel(), X, y, [0.5])


def test_permutation_experiment_on_small_data():
    X, y = load_digits()
    perm = np.random.default_rng(5).permutation(784)
    result = permutation_experiment(X[:600], y[:600], X[600:800], y[600:800], perm, num_epochs=3)
    # the two models make the same predictions and their vectors agree once unpermuted
    assert result.same_predictions == 1.0
    assert result.accuracy_permuted == pytest.approx(result.accuracy_original)
    assert result.accuracy_original > 0.6
    assert result.max_abs_difference < 1e-4 * result.max_abs_weight
    assert result.correlation > 0.999999
    back = result.unpermuted_vectors()
    np.testing.assert_allclose(back, result.original.reference_vectors(), atol=1e-5)
    # ...while the permuted model's own vectors are scrambled pictures
    scrambled = result.permuted.reference_vectors()
    assert np.abs(scrambled - result.original.reference_vectors()).max() > 0.1
    np.testing.assert_allclose(permute_pixels(back, perm), scrambled, atol=0)


def test_permutation_experiment_rejects_a_bad_permutation():
    X, y = load_digits()
    with pytest.raises(ValueError, match="perm must be a permutation"):
        permutation_experiment(X[:50], y[:50], X[50:60], y[50:60], np.arange(783))
