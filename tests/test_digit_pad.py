"""DigitPad driven from Python: load digits, send drawings as the page does, read back."""

import numpy as np
import pytest
from ipywidgets.widgets.widget import _remove_buffers

import convhelpers as ch
from convhelpers.widgets.digit_pad import FINER

X, Y = ch.load_digits()


@pytest.fixture(scope="module")
def linear():
    """A flattened model trained for a second: right on most digits, wrong on some."""
    return ch.train_linear(X[:3000], Y[:3000], num_epochs=3)


def page_sends(pad, ink, points=()):
    """What digit_pad.js sends on pointer-up: the ink grid, the strokes, the count, in one
    message (set_state is how ipywidgets applies a message from the page)."""
    strokes = np.asarray(points, dtype="<f4").reshape(-1, 3)
    pad.set_state(
        {
            "_ink": {"shape": list(ink.shape), "data": memoryview(ink.astype(np.uint8).tobytes())},
            "drawing": {"shape": list(strokes.shape), "data": memoryview(strokes.tobytes())},
            "_sent": pad._sent + 1,
        }
    )


def as_drawn(digit, size=28) -> np.ndarray:
    """A digit on the pad's ink grid (FINER cells per pixel), as the page would send it."""
    return np.kron(digit, np.ones((FINER, FINER), np.uint8))


def test_a_new_pad_is_empty(linear):
    pad = ch.DigitPad({"linear": linear})
    assert pad.image.shape == (28, 28) and pad.image.dtype == np.uint8 and not pad.image.any()
    assert pad.predictions == {}
    assert pad.drawing.shape == (0, 3)
    assert pad.names == ["linear"] and pad.grid == 28 * FINER


def test_load_shows_the_digit_and_its_predictions(linear):
    pad = ch.DigitPad({"linear": linear, "also linear": linear})
    for k in range(5):
        pad.load(X[k])
        np.testing.assert_array_equal(pad.image, X[k])  # an MNIST digit is already preprocessed
        assert list(pad.predictions) == ["linear", "also linear"]
        probs = pad.predictions["linear"]
        assert probs.shape == (10,) and np.isclose(probs.sum(), 1) and (probs >= 0).all()
        np.testing.assert_allclose(probs, ch.softmax(linear.scores(X[k : k + 1]))[0], rtol=1e-5)
        assert probs.argmax() == linear.predict(X[k : k + 1])[0]


def test_loaded_floats_are_the_same_digit(linear):
    pad = ch.DigitPad({"linear": linear})
    pad.load(X[7] / 255)
    np.testing.assert_array_equal(pad.image, X[7])


def test_a_drawing_from_the_page_is_preprocessed_and_predicted(linear):
    pad = ch.DigitPad({"linear": linear})
    drawn = np.zeros((pad.grid, pad.grid), np.uint8)
    big = np.kron(X[3], np.ones((3, 3), np.uint8))  # (84, 84): drawn smaller, off-centre
    drawn[20:104, 0:84] = big
    points = [[1.0, 2.0, 0], [1.5, 2.5, 0], [10.0, 12.0, 1]]
    page_sends(pad, drawn, points)
    np.testing.assert_array_equal(pad.image, ch.mnist_preprocess(drawn))
    np.testing.assert_array_equal(pad.image, X[3])  # scaled 3x and moved: the same digit
    assert pad.predictions["linear"].argmax() == linear.predict(X[3:4])[0]
    np.testing.assert_array_equal(pad.drawing, np.float32(points))
    assert pad.drawing.dtype == np.float32
    assert pad._answered == 1  # the page stops waiting for an answer


def test_every_drawing_is_answered_and_observers_see_it(linear):
    pad = ch.DigitPad({"linear": linear})
    seen = []
    pad.observe(lambda change: seen.append((change["new"], dict(pad.predictions))), names="image")
    page_sends(pad, as_drawn(X[0]))
    page_sends(pad, as_drawn(X[1]))
    page_sends(pad, as_drawn(X[1]))  # the same drawing again: answered again
    assert pad._answered == 3 and len(seen) == 3
    for (image, predictions), k in zip(seen, (0, 1, 1), strict=True):
        np.testing.assert_array_equal(image, X[k])
        # the predictions are already those of the new image when observers run
        assert predictions["linear"].argmax() == linear.predict(X[k : k + 1])[0]


def test_clear_from_the_page_or_python_empties_the_pad(linear):
    pad = ch.DigitPad({"linear": linear})
    pad.load(X[0])
    page_sends(pad, np.zeros((pad.grid, pad.grid), np.uint8))  # the Clear button
    assert not pad.image.any() and pad.predictions == {}
    pad.load(X[0])
    pad.clear()
    assert not pad.image.any() and pad.predictions == {} and pad.drawing.shape == (0, 3)
    assert not pad._ink.any()


def test_predictions_change_with_the_drawing(linear):
    pad = ch.DigitPad({"linear": linear})
    read = set()
    for k in range(30):
        page_sends(pad, as_drawn(X[k]))
        read.add(int(pad.predictions["linear"].argmax()))
    assert len(read) >= 8  # ten classes among 30 digits: the answers follow the drawings


def test_state_sent_to_the_page_is_binary(linear):
    pad = ch.DigitPad({"linear": linear})
    pad.load(X[4])
    state, buffer_paths, buffers = _remove_buffers(pad.get_state())
    assert ["image", "data"] in buffer_paths and ["_ink", "data"] in buffer_paths
    image = buffers[buffer_paths.index(["image", "data"])]
    assert bytes(image) == X[4].tobytes() and state["image"]["shape"] == [28, 28]
    assert state["predictions"]["linear"] == pytest.approx(list(pad.predictions["linear"]))
    assert state["names"] == ["linear"]
    assert len(buffers[buffer_paths.index(["lut"])]) == 768  # the gray colour table


def test_size_48_keeps_the_digit_where_it_was_drawn():
    cnn = ch.global_pool_cnn(seed=0)  # any image size
    pad = ch.DigitPad({"CNN + global pool": cnn}, size=48)
    assert pad.grid == 48 * FINER and pad.image.shape == (48, 48)
    canvases, _ = ch.place_on_canvas(X[:3], 48, rows=(20, 20), cols=(20, 20))
    pad.load(canvases[0])
    np.testing.assert_array_equal(pad.image, canvases[0])  # in the far corner, as drawn
    page_sends(pad, as_drawn(canvases[1]))
    np.testing.assert_array_equal(pad.image, canvases[1])
    np.testing.assert_allclose(
        pad.predictions["CNN + global pool"], ch.softmax(cnn.scores(canvases[1:2]))[0], rtol=1e-5
    )


def test_a_pad_without_models_only_preprocesses():
    pad = ch.DigitPad({})
    pad.load(X[2])
    np.testing.assert_array_equal(pad.image, X[2])
    assert pad.predictions == {} and pad.names == []


def test_models_with_predict_proba_work():
    class Proba:  # scikit-learn's interface: flattened rows in, probabilities out
        def predict_proba(self, X):
            assert X.shape == (1, 784)
            p = np.full((1, 10), 0.05)
            p[0, 3] = 0.55
            return p

    pad = ch.DigitPad({"proba": Proba()})
    pad.load(X[0])
    assert pad.predictions["proba"].argmax() == 3


@pytest.mark.parametrize(
    ("models", "size", "error", "words"),
    [
        ([ch.mlp()], 28, TypeError, "models must be a dict"),
        ({1: ch.mlp()}, 28, TypeError, "names must be strings"),
        ({"m": "a model"}, 28, TypeError, r"models\['m'\] must have a .scores"),
        ({"mlp": ch.mlp()}, 48, ValueError, r"models\['mlp'\] cannot read a 48x48 image"),
        ({"m": ch.mlp()}, 20, ValueError, "size must be >= 28"),
        ({"m": ch.mlp()}, 48.0, TypeError, "size must be an integer"),
    ],
)
def test_bad_arguments_are_refused(models, size, error, words):
    with pytest.raises(error, match=words):
        ch.DigitPad(models, size=size)


def test_a_model_must_give_ten_scores():
    class Three:
        def scores(self, X):
            return np.zeros((len(X), 3))

    with pytest.raises(ValueError, match=r"models\['three'\] must give 10 class scores"):
        ch.DigitPad({"three": Three()})


@pytest.mark.parametrize(
    ("image", "error", "words"),
    [
        (np.zeros((28, 28), np.uint8), ValueError, "image is empty"),
        (np.full((28, 28), np.nan), ValueError, "image contains NaN"),
        (X[:2], ValueError, "image must be 2-D"),
        (X[0].astype(np.int64), TypeError, "image must be uint8"),
    ],
)
def test_load_refuses_bad_images(linear, image, error, words):
    pad = ch.DigitPad({"linear": linear})
    with pytest.raises(error, match=words):
        pad.load(image)


def test_the_page_module_has_the_pad_and_the_shared_helpers():
    esm = ch.DigitPad({})._esm
    assert "function askPython(" in esm and "function paint(" in esm  # draw.js first
    assert '"data-ch-widget": "digit-pad"' in esm and "export default { render }" in esm
