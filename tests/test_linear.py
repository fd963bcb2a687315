"""The flattened model: shapes, scores as dot products, deterministic training that learns."""

import numpy as np
import pytest

from convhelpers import LinearModel, load_digits, softmax_cross_entropy, to_float, train_linear


def _two_blobs(n=200, seed=0):
    """Tiny 4x4 images: class 0 lights the top half, class 1 the bottom half (plus noise)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    X = rng.integers(0, 40, size=(n, 4, 4)).astype(np.uint8)
    X[y == 0, :2] += 200
    X[y == 1, 2:] += 200
    return X, y


def test_shapes_and_parameter_count():
    model = LinearModel(np.zeros((784, 10)), np.zeros(10))
    images = np.zeros((5, 28, 28), dtype=np.uint8)
    assert model.scores(images).shape == (5, 10)
    assert model.scores(images[0]).shape == (10,)
    assert model.predict(images).shape == (5,) and model.predict(images).dtype == np.int64
    assert model.reference_vectors().shape == (10, 28, 28)
    assert model.num_params() == 7850
    assert "7,850 parameters" in repr(model)


def test_scores_are_dot_products_with_the_reference_vectors():
    rng = np.random.default_rng(1)
    model = LinearModel(rng.normal(size=(12, 3)), rng.normal(size=3), image_shape=(3, 4))
    image = rng.integers(0, 256, size=(3, 4)).astype(np.uint8)
    x = image.astype(np.float64) / 255
    expected = [np.sum(x * model.reference_vectors()[c]) + model.b[c] for c in range(3)]
    np.testing.assert_allclose(model.scores(image), expected, rtol=1e-5)
    for c in range(3):
        contributions = model.contributions(image, c)
        assert contributions.shape == (3, 4)
        assert contributions.sum() + model.b[c] == pytest.approx(model.scores(image)[c], rel=1e-5)


def test_reference_vectors_are_a_copy():
    model = LinearModel(np.ones((4, 2)), np.zeros(2), image_shape=(2, 2))
    model.reference_vectors()[0] = 5
    assert np.all(model.W == 1)


def test_training_learns_a_simple_rule_and_lowers_the_loss():
    X, y = _two_blobs()
    model = train_linear(X, y, num_classes=2, num_epochs=5)
    assert np.mean(model.predict(X) == y) == 1.0
    assert len(model.loss_history) == 5
    assert model.loss_history[-1] < model.loss_history[0] < np.log(2) + 1e-6
    # class 0's reference vector is positive on the top half, negative on the bottom
    top, bottom = model.reference_vectors()[0, :2].mean(), model.reference_vectors()[0, 2:].mean()
    assert top > 0 > bottom


def test_training_is_deterministic_and_the_seed_matters():
    X, y = _two_blobs()
    a = train_linear(X, y, num_classes=2, num_epochs=2, seed=3)
    b = train_linear(X, y, num_classes=2, num_epochs=2, seed=3)
    c = train_linear(X, y, num_classes=2, num_epochs=2, seed=4)
    np.testing.assert_array_equal(a.W, b.W)
    assert not np.array_equal(a.W, c.W)


def test_one_sgd_step_is_the_softmax_gradient():
    X, y = _two_blobs(n=8)
    model = train_linear(X, y, num_classes=2, num_epochs=1, batch_size=8, lr=0.5, seed=0)
    flat = to_float(X).reshape(8, -1)
    _, dscores = softmax_cross_entropy(np.zeros((8, 2), dtype=np.float32), y)
    # one full batch from zero weights: W = -lr * X^T dscores, whatever the order
    np.testing.assert_allclose(model.W, -0.5 * flat.T @ dscores, atol=1e-6)
    np.testing.assert_allclose(model.b, -0.5 * dscores.sum(axis=0), atol=1e-6)


def test_uint8_and_float_images_give_the_same_model():
    X, y = _two_blobs(n=40)
    a = train_linear(X, y, num_classes=2, num_epochs=1)
    b = train_linear(X.astype(np.float32) / 255, y, num_classes=2, num_epochs=1)
    np.testing.assert_allclose(a.W, b.W, atol=1e-6)


def test_on_the_shipped_digits_it_beats_chance_by_far():
    X, y = load_digits()
    model = train_linear(X[:2000], y[:2000], num_epochs=3)
    assert np.mean(model.predict(X[2000:3000]) == y[2000:3000]) > 0.8


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"X": np.zeros((4, 28))}, ValueError, "X must be 3-D"),
        ({"X": np.array(["a"] * 8).reshape(2, 2, 2)}, TypeError, "X must"),
        ({"y": np.array([0.0, 1.0, 0.0, 1.0])}, TypeError, "integer class labels"),
        ({"y": np.array([0, 1, 2])}, ValueError, "one label per image"),
        ({"y": np.array([0, 1, 10, 1])}, ValueError, "y must be in 0..9"),
        ({"lr": 0}, ValueError, "lr must be a positive number"),
        ({"lr": "fast"}, ValueError, "lr must be a positive number"),
        ({"num_epochs": 0}, ValueError, "num_epochs must be >= 1"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be an integer"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, error, words):
    args = {"X": np.zeros((4, 3, 3), dtype=np.uint8), "y": np.array([0, 1, 0, 1])}
    args.update(kwargs)
    X, y = args.pop("X"), args.pop("y")
    with pytest.raises(error, match=words):
        train_linear(X, y, **args)


def test_model_refuses_images_of_another_size_and_bad_weights():
    model = LinearModel(np.zeros((784, 10)), np.zeros(10))
    with pytest.raises(ValueError, match=r"images of shape \(28, 28\)"):
        model.scores(np.zeros((2, 14, 14)))
    with pytest.raises(ValueError, match="c must be a class"):
        model.contributions(np.zeros((28, 28)), 10)
    with pytest.raises(ValueError, match="W must be"):
        LinearModel(np.zeros((100, 10)), np.zeros(10))
