"""Layer objects, Sequential and the course's three models."""

import numpy as np
import pytest

import convhelpers as ch
from convhelpers import nn
from convhelpers.models import Conv2D, Dense, Flatten, GlobalAvgPool, MaxPool2D, ReLU, Sequential


def digits(n=6):
    X, y = ch.load_digits()
    return X[:n], y[:n]


@pytest.mark.parametrize("make", [ch.small_cnn, ch.mlp, ch.small_cnn_global_pool])
def test_models_give_scores_and_labels_for_uint8_and_float(make):
    model = make(seed=0)
    X, _ = digits()
    scores = model.scores(X)
    assert scores.shape == (6, 10) and scores.dtype == np.float32
    labels = model.predict(X)
    assert labels.shape == (6,) and labels.dtype == np.int64
    np.testing.assert_array_equal(labels, scores.argmax(axis=1))
    # the same digits as floats in [0, 1], with or without the channel axis
    np.testing.assert_allclose(model.scores(ch.to_float(X)), scores, rtol=1e-6)
    np.testing.assert_allclose(model.scores(ch.to_float(X)[:, None]), scores, rtol=1e-6)


@pytest.mark.parametrize("bad", [(28, 28), (5, 27, 28), (5, 2, 28, 28), (5, 28, 28, 1), (28,)])
def test_predict_rejects_wrong_shapes_naming_X(bad):
    with pytest.raises(ValueError, match=r"X must have shape \(N, 28, 28\) or \(N, 1, 28, 28\)"):
        ch.small_cnn().predict(np.zeros(bad, dtype=np.uint8))


def test_predict_rejects_non_numbers_and_empty_input():
    with pytest.raises(TypeError, match="X"):
        ch.small_cnn().predict([["a"]])
    with pytest.raises(ValueError, match="X must not be empty"):
        ch.small_cnn().predict(np.zeros((0, 28, 28)))


def test_cnn_global_pool_accepts_larger_images():
    model = ch.small_cnn_global_pool(seed=0)
    assert model.predict(np.zeros((3, 48, 48), np.uint8)).shape == (3,)
    assert model.scores(np.random.default_rng(0).random((2, 40, 36))).shape == (2, 10)
    with pytest.raises(ValueError, match="X must have shape"):
        ch.small_cnn().predict(np.zeros((3, 48, 48), np.uint8))


def test_global_pool_model_is_shift_invariant_for_a_shift_by_its_total_stride():
    """Two poolings make a stride of 4: a 4-pixel shift (far from the edges) keeps the scores."""
    model = ch.small_cnn_global_pool(seed=0)
    canvas = np.zeros((1, 48, 48), np.uint8)
    canvas[0, 8:36, 8:36] = digits(1)[0][0]
    shifted = ch.shift(canvas, 4, 8)
    np.testing.assert_allclose(model.scores(shifted), model.scores(canvas), rtol=1e-5, atol=1e-6)


def test_parameter_counts():
    convs = (8 * 9 + 8) + (32 * 8 * 9 + 32)
    assert ch.small_cnn().num_params() == convs + (1568 * 128 + 128) + (128 * 10 + 10)
    assert ch.mlp(hidden=50).num_params() == 784 * 50 + 50 + 50 * 10 + 10
    cnn_gp = ch.small_cnn_global_pool()
    assert cnn_gp.num_params() == sum(p.size for lay in cnn_gp.layers for p in lay.params.values())
    summary = ch.small_cnn().summary()
    assert "(32, 7, 7)" in summary and f"{ch.small_cnn().num_params():,}" in summary


def test_he_initialisation_is_seeded_with_the_right_scale():
    a, b, c = ch.small_cnn(seed=3), ch.small_cnn(seed=3), ch.small_cnn(seed=4)
    for la, lb in zip(a.layers, b.layers, strict=True):
        for name in la.params:
            np.testing.assert_array_equal(la.params[name], lb.params[name])
    assert not np.array_equal(a.layers[0].params["w"], c.layers[0].params["w"])
    w = Dense(2000, 500, rng=0).params["w"]
    assert w.dtype == np.float32
    assert abs(w.std() - np.sqrt(2 / 2000)) < 0.01 * np.sqrt(2 / 2000)
    assert np.all(Conv2D(3, 4, 3, rng=0).params["b"] == 0)


def test_layer_objects_match_the_functions():
    r = np.random.default_rng(0)
    x = r.standard_normal((2, 3, 8, 8)).astype(np.float32)
    conv = Conv2D(3, 5, 3, padding=1, rng=1)
    expected, _ = nn.conv_forward(x, conv.params["w"], conv.params["b"], padding=1)
    np.testing.assert_array_equal(conv.forward(x), expected)
    dout = r.standard_normal(expected.shape).astype(np.float32)
    dx = conv.backward(dout)
    _, cache = nn.conv_forward(x, conv.params["w"], conv.params["b"], padding=1)
    want = nn.conv_backward(dout, cache)
    np.testing.assert_allclose(dx, want[0], rtol=1e-6)
    np.testing.assert_allclose(conv.grads["w"], want[1], rtol=1e-5)
    assert conv.backward(dout, input_grad=False) is None


def test_sequential_backward_gradient_float64():
    """The whole model's gradient, layer objects chained, against centred differences."""
    r = np.random.default_rng(0)
    model = Sequential(
        Conv2D(1, 2, 3, padding=1, rng=r),
        MaxPool2D(),
        ReLU(),
        Conv2D(2, 3, 3, padding=1, rng=r),
        ReLU(),
        GlobalAvgPool(),
        Dense(3, 4, rng=r),
        input_shape=(1, None, None),
    )
    for layer in model.layers:  # float64 for the check
        for name in layer.params:
            layer.params[name] = layer.params[name].astype(np.float64) + 0.1 * r.random()
    x = r.standard_normal((2, 1, 6, 6))
    y = np.array([1, 3])

    def loss(_):
        return ch.softmax_cross_entropy(model.forward(x), y)[0]

    _, dscores = ch.softmax_cross_entropy(model.forward(x), y)
    dx = model.backward(dscores, input_grad=True)
    grads = {(i, k): g.copy() for i, lay in enumerate(model.layers) for k, g in lay.grads.items()}
    assert ch.gradient_check(loss, x, dx) < 1e-6
    for (i, name), grad in grads.items():
        assert ch.gradient_check(loss, model.layers[i].params[name], grad) < 1e-6, (i, name)


def test_activations_give_every_layers_output():
    model = ch.small_cnn()
    outs = model.activations(digits(2)[0])
    shapes = [model.input_shape]
    for layer in model.layers:
        shapes.append(layer.output_shape(shapes[-1]))
    assert [o.shape[1:] for o in outs] == shapes[1:]
    assert shapes[-1] == (10,) and len(outs) == len(model.layers)
    np.testing.assert_allclose(outs[-1], model.scores(digits(2)[0]), rtol=1e-6)


def test_flatten_and_relu_have_no_parameters():
    for layer in (Flatten(), ReLU(), MaxPool2D(), GlobalAvgPool()):
        assert layer.params == {}


def test_activations_in_batches_equal_one_pass():
    model = ch.small_cnn(seed=0)
    X = np.random.default_rng(0).integers(0, 256, size=(7, 28, 28), dtype=np.uint8)
    whole = model.activations(X, batch_size=100)
    parts = model.activations(X, batch_size=3)  # batches of 3, 3 and 1
    assert [a.shape for a in parts] == [a.shape for a in whole]
    for a, b in zip(parts, whole, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)  # float32 sums
    np.testing.assert_allclose(parts[-1], model.scores(X), rtol=1e-4, atol=1e-5)


def test_inference_batches_scale_with_image_size_and_forget_caches():
    model = ch.small_cnn_global_pool(seed=0)
    canvases = np.random.default_rng(1).integers(0, 256, size=(50, 48, 48), dtype=np.uint8)
    # default: about 100,000 pixels a batch (43 canvases of 48x48), same scores as one batch
    np.testing.assert_allclose(
        model.scores(canvases), model.scores(canvases, batch_size=50), rtol=1e-4, atol=1e-5
    )
    assert all(layer.cache is None for layer in model.layers)  # nothing kept after predicting
