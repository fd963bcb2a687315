"""The shipped models: save/load, sha256-checked files, recipes, and one model retrained."""

import importlib
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import convhelpers as ch

pt = importlib.import_module("convhelpers.pretrained")  # the module (ch.pretrained is its function)

README = Path(__file__).resolve().parents[1] / "data" / "README.md"

# |retrained - shipped| test accuracy of the MLP. Seeds 0, 1, 2 of the former recipe (8,000
# digits) gave 0.968, 0.9695, 0.965; of the current one, on the validation digits, mean 0.966,
# lowest 0.963 (tools/choose_recipe.py). The same seed on this machine gives the same weights.
# One point leaves room for another CPU's rounding.
RETRAIN_TOLERANCE = 0.01


def _tiny_model(seed=0):
    rng = np.random.default_rng(seed)
    return ch.Sequential(
        ch.Conv2D(1, 2, 3, padding=1, rng=rng),
        ch.ReLU(),
        ch.Flatten(),
        ch.Dense(2 * 6 * 6, 3, rng=rng),
        input_shape=(1, 6, 6),
    )


def test_save_load_round_trip_and_same_bytes_every_time(tmp_path):
    model = _tiny_model(seed=1)
    digest = ch.save_params(model, tmp_path / "a.npz")
    assert ch.save_params(model, tmp_path / "b.npz") == digest  # no time stamps in the zip
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    fresh = _tiny_model(seed=2)
    weights_before = fresh.layers[0].params["w"]
    loaded = ch.load_params(fresh, tmp_path / "a.npz")
    assert loaded is fresh and fresh.layers[0].params["w"] is weights_before  # filled in place
    for a, b in zip(model.layers, fresh.layers, strict=True):
        for name in a.params:
            np.testing.assert_array_equal(a.params[name], b.params[name])
    x = np.random.default_rng(0).random((2, 6, 6), dtype=np.float32)
    np.testing.assert_array_equal(model.scores(x), fresh.scores(x))


def test_load_refuses_another_architecture_and_bad_arguments(tmp_path):
    ch.save_params(_tiny_model(), tmp_path / "a.npz")
    other = ch.Sequential(ch.Flatten(), ch.Dense(36, 3, rng=0), input_shape=(1, 6, 6))
    with pytest.raises(ValueError, match="not the model given"):
        ch.load_params(other, tmp_path / "a.npz")
    with pytest.raises(TypeError, match="Sequential"):
        ch.save_params("model", tmp_path / "b.npz")
    with pytest.raises(TypeError, match="Sequential"):
        ch.load_params(None, tmp_path / "a.npz")


def test_every_shipped_file_matches_the_manifest_and_its_recipe():
    manifest = ch.read_manifest()
    assert set(manifest["models"]) == set(ch.PRETRAINED)
    for name, recipe in ch.PRETRAINED.items():
        entry = manifest["models"][name]
        path = pt.MODELS_DIR / entry["file"]
        assert pt.file_sha256(path) == entry["sha256"], name
        assert recipe.changes_since(entry["fit"]) == {}, f"{name}: run make models"
        assert entry["data"] == recipe.data
        model = ch.pretrained(name)
        assert repr(model) == entry["architecture"] and model.num_params() == entry["parameters"]
        assert all(p.dtype == np.float32 for layer in model.layers for p in layer.params.values())
    total = sum(path.stat().st_size for path in pt.MODELS_DIR.iterdir())
    assert total < 10e6  # the course ships a few MB of weights


def test_pretrained_small_cnn_is_notebook_05s_recipe():
    assert ch.PRETRAINED["small_cnn"].fit == {}  # fit's defaults
    assert repr(ch.pretrained("small_cnn")) == repr(ch.small_cnn())


def test_a_damaged_file_is_refused(tmp_path, monkeypatch):
    shutil.copytree(pt.MODELS_DIR, tmp_path / "models")
    monkeypatch.setattr(pt, "MODELS_DIR", tmp_path / "models")
    path = tmp_path / "models" / "mlp.npz"
    data = bytearray(path.read_bytes())
    data[-100] ^= 1  # one bit
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="damaged or stale"):
        ch.pretrained("mlp")
    (tmp_path / "models" / "manifest.json").unlink()
    with pytest.raises(FileNotFoundError, match="make models"):
        ch.pretrained("mlp")


def test_recipe_changes_ignore_new_fit_arguments_the_recipe_does_not_set():
    recipe = ch.PRETRAINED["mlp"]
    recorded = pt._jsonable(recipe.full_fit())
    assert recipe.changes_since(recorded) == {}
    older = {k: v for k, v in recorded.items() if k != "warmup"}  # fit had no warmup then
    assert recipe.changes_since(older) == {}
    half = recorded["lr"] / 2
    assert recipe.changes_since({**recorded, "lr": half}) == {"lr": (half, recorded["lr"])}
    other = 2 * recorded["batch_size"]
    assert recipe.changes_since({**recorded, "batch_size": other}) == {
        "batch_size": (other, recorded["batch_size"])
    }


def test_a_changed_recipe_warns(monkeypatch):
    changed = pt.Recipe(lambda: ch.mlp(0), "changed", fit={"num_epochs": 3})
    monkeypatch.setitem(pt.PRETRAINED, "mlp", changed)
    with pytest.warns(RuntimeWarning, match="make models"):
        ch.pretrained("mlp")


def test_bad_names_and_arguments():
    with pytest.raises(ValueError, match="name must be one of"):
        ch.pretrained("resnet")
    with pytest.raises(TypeError, match="retrain"):
        ch.pretrained("mlp", retrain="yes")
    with pytest.raises(ValueError, match="data must be"):
        ch.training_data("photos")
    with pytest.raises(ValueError, match="part must be"):
        ch.training_data("digits", part="test")
    with pytest.raises(TypeError, match="retrain"):
        ch.pretrained_with_curve("mlp", retrain="no")
    with pytest.raises(TypeError, match="retrain"):
        ch.learning_curve(retrain=1)


def _rows(images):
    return sorted(image.tobytes() for image in images)


def test_training_data_is_the_fit_digits_and_never_a_test_digit():
    X_train, X_test, y_train, _ = ch.train_test_split(*ch.load_digits())
    X_fit, X_val, y_fit, y_val = ch.validation_split(X_train, y_train)
    X, y = ch.training_data("digits")
    assert X.shape == (7000, 28, 28) and np.array_equal(X, X_fit) and np.array_equal(y, y_fit)
    X_v, y_v = ch.training_data("digits", part="validation")
    assert X_v.shape == (1000, 28, 28) and np.array_equal(X_v, X_val) and np.array_equal(y_v, y_val)
    assert _rows(np.concatenate([X, X_v])) == _rows(X_train)  # fit + validation = training
    test = set(_rows(X_test))
    assert not test & set(_rows(X)) and not test & set(_rows(X_v))


def test_training_data_digits_and_canvases():
    X, y = ch.training_data("digits")
    canvases, y_canvas = ch.training_data("canvas", n=50)
    assert canvases.shape == (50, 48, 48) and np.array_equal(y_canvas, y[:50])
    assert canvases.sum(axis=(1, 2)).tolist() == X[:50].sum(axis=(1, 2), dtype=np.int64).tolist()
    ink_rows = np.nonzero(canvases.any(axis=(0, 2)))[0]
    assert ink_rows.max() < 4 + 28  # the top-left corner: rows 0-4 for the digit's top


def test_shuffled_models_use_the_notebooks_permutation():
    perm = np.random.default_rng(0).permutation(784)
    for name in ("mlp_shuffled", "gp_cnn_shuffled", "lc_cnn_shuffled"):
        layer = ch.PRETRAINED[name].build().layers[0]
        assert isinstance(layer, ch.ShufflePixels) and np.array_equal(layer.perm, perm)


def test_learning_curve_as_shipped():
    curve = ch.learning_curve()
    assert curve["sizes"].tolist() == list(pt.LEARNING_CURVE_SIZES)
    assert curve["sizes"][-1] == len(ch.training_data()[0])  # the last point: every fit digit
    full = ch.PRETRAINED["small_cnn"].full_fit()
    steps = full["num_epochs"] * -(-7000 // full["batch_size"])  # the shipped models' steps
    assert curve["steps"][-1] == steps
    # about the same steps at every size: whole epochs, within half an epoch of `steps`
    per_epoch = -(-curve["sizes"] // full["batch_size"])
    assert np.all(curve["steps"] % per_epoch == 0)
    assert np.all(np.abs(curve["steps"] - steps) <= per_epoch / 2)
    for name in pt.CURVE_MODELS:
        assert curve[name].shape == (6,) and np.all((0 < curve[name]) & (curve[name] <= 1))


def test_readme_lists_every_file_with_its_sha256():
    text = README.read_text()
    for path in sorted(pt.MODELS_DIR.iterdir()):
        digest = pt.file_sha256(path)
        assert re.search(rf"{re.escape(path.name)}.*{digest}", text), f"{path.name} in README"


def test_retraining_the_cheapest_model_matches_the_shipped_accuracy():
    # The MLP takes seconds; the others would take minutes.
    shipped = ch.read_manifest()["models"]["mlp"]
    model, history = ch.train_pretrained("mlp", validate=True)
    _, X_test, _, y_test = ch.train_test_split(*ch.load_digits())
    retrained = ch.accuracy(model, X_test, y_test)
    assert abs(retrained - shipped["test_accuracy"]) <= RETRAIN_TOLERANCE
    assert abs(ch.accuracy(ch.pretrained("mlp"), X_test, y_test) - shipped["test_accuracy"]) < 1e-3
    epochs = ch.PRETRAINED["mlp"].full_fit()["num_epochs"]
    assert len(history["val_acc"]) == len(shipped["val_acc"]) == epochs
    # the curve is on the 1,000 validation digits, not the test digits
    X_val, y_val = ch.training_data("digits", part="validation")
    assert history["val_acc"][-1] == ch.accuracy(model, X_val, y_val)
    loaded, curve = ch.pretrained_with_curve("mlp")
    np.testing.assert_array_equal(curve, shipped["val_acc"])
    assert abs(ch.accuracy(loaded, X_val, y_val) - curve[-1]) < 1e-3
