"""Trained models shipped with the course (notebooks 06 and 07), and the recipe of each.

    cnn = pretrained("small_cnn")                # notebook 05's CNN, trained with fit's defaults
    cnn = pretrained("small_cnn", retrain=True)  # the same recipe, trained now instead
    save_params(model, "my_model.npz"); load_params(ch.small_cnn(), "my_model.npz")

Training all of notebook 06's networks takes minutes, more than a notebook may
take on one CPU, so ``make models`` (tools/train_models.py) trains every model in
PRETRAINED and writes data/models/NAME.npz (its parameters, float32) and
data/models/manifest.json (for each file: its sha256, the full recipe, the
architecture, and what training measured). ``pretrained`` refuses a file whose
sha256 differs from the manifest's, and warns when the code's recipe no longer
matches the one the file was trained with.

Which digits: every model learns from the 7,000 fit digits of
``validation_split`` (the 8,000 training digits less 1,000 validation digits);
its accuracy after every epoch is measured on the 1,000 validation digits; the
2,000 test digits are measured once, when training is over.
"""

import hashlib
import inspect
import io
import json
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._validate import as_int
from .canvas import place_on_canvas, with_shuffled_pixels
from .data import load_digits, train_test_split, validation_split
from .local import locally_connected_cnn
from .models import (
    Dense,
    Flatten,
    ReLU,
    Sequential,
    global_pool_cnn,
    mlp,
    small_cnn,
    small_cnn_global_pool,
)
from .train import accuracy, fit

__all__ = [  # what notebooks use; make models also uses the helpers marked "(make models)"
    "CANVAS",
    "PRETRAINED",
    "Recipe",
    "learning_curve",
    "load_params",
    "pretrained",
    "pretrained_with_curve",
    "read_manifest",
    "save_params",
    "train_pretrained",
    "training_data",
]

MODELS_DIR = Path(__file__).resolve().parent.parent / "data" / "models"
MANIFEST = "manifest.json"

# Notebook 06's one recipe for every network is fit's defaults, unchanged (18 epochs in
# mini-batches of 128, momentum SGD, learning rate 0.05 with warm-up and cosine decay,
# random shifts of up to 2 pixels, seed 0), which tools/choose_recipe.py chose on the
# validation digits for small_cnn, global_pool_cnn and mlp together. A Recipe's ``fit``
# lists only what differs from them: the shifts of the two "architecture or data" MLPs.

# The goldfish experiment's training canvases: each training digit pasted on a 48x48
# canvas with its top-left corner in rows 0-4 and columns 0-4 (the top-left corner).
CANVAS = {"size": 48, "rows": (0, 4), "cols": (0, 4), "seed": 1}

LEARNING_CURVE_SIZES = (250, 500, 1000, 2000, 4000, 7000)  # the first n fit digits


def shuffle_permutation(n_pixels: int = 28 * 28) -> np.ndarray:
    """The one pixel shuffle of notebooks 02 and 06: np.random.default_rng(0).permutation(n)."""
    return np.random.default_rng(0).permutation(as_int(n_pixels, "n_pixels", 1))


def _canvas_mlp(seed: int = 0) -> Sequential:
    """mlp on a 48x48 canvas: flatten (2304) → dense (2304 → 128) → ReLU → dense (128 → 10)."""
    rng = np.random.default_rng(seed)
    side = CANVAS["size"]
    return Sequential(
        Flatten(),
        Dense(side * side, 128, rng=rng),
        ReLU(),
        Dense(128, 10, rng=rng),
        input_shape=(1, side, side),
    )


@dataclass(frozen=True)
class Recipe:
    """How one shipped model is built and trained.

    build() -> an untrained Sequential (seeded); data: "digits" (the 7,000 fit
    digits, 28x28) or "canvas" (the same digits on CANVAS); fit: fit's arguments
    that differ from its defaults.
    """

    build: object
    about: str
    data: str = "digits"
    fit: dict = field(default_factory=dict)

    def full_fit(self) -> dict:
        """Every argument fit is called with (its defaults, then self.fit)."""
        defaults = {
            name: p.default
            for name, p in inspect.signature(fit).parameters.items()
            if p.kind is p.KEYWORD_ONLY and name not in ("X_val", "y_val", "live", "plot_every")
        }
        return {**defaults, **self.fit}

    def changes_since(self, recorded: dict) -> dict:
        """{argument: (recorded value, value now)} where fit would now train differently.

        recorded: the full_fit() a file was trained with (from the manifest). An
        argument fit did not have then counts only if this recipe sets it.
        """
        now = _jsonable(self.full_fit())
        keys = set(recorded) | set(_jsonable(self.fit))
        return {k: (recorded.get(k), now.get(k)) for k in keys if recorded.get(k) != now.get(k)}


_SHIFTS = {"augment": 8}  # the MLP trained on digits moved up to 8 pixels
_SHIFTS_CANVAS = {"augment": 20}  # ... up to 20: anywhere on the canvas

PRETRAINED = {
    "small_cnn": Recipe(lambda: small_cnn(0), "notebook 05's small_cnn(seed=0), fit's defaults"),
    "mlp": Recipe(lambda: mlp(0), "mlp(seed=0)"),
    "mlp_shuffled": Recipe(
        lambda: with_shuffled_pixels(mlp(0), shuffle_permutation()),
        "mlp(seed=0) behind ShufflePixels",
    ),
    "mlp_shifts": Recipe(lambda: mlp(0), "mlp(seed=0), shifts of up to 8 px", fit=_SHIFTS),
    "cnn_gap": Recipe(lambda: small_cnn_global_pool(0), "small_cnn_global_pool(seed=0)"),
    "gp_cnn": Recipe(lambda: global_pool_cnn(0), "global_pool_cnn(seed=0)"),
    "gp_cnn_shuffled": Recipe(
        lambda: with_shuffled_pixels(global_pool_cnn(0), shuffle_permutation()),
        "global_pool_cnn(seed=0) behind ShufflePixels",
    ),
    "lc_cnn": Recipe(lambda: locally_connected_cnn(0), "locally_connected_cnn(seed=0)"),
    "lc_cnn_shuffled": Recipe(
        lambda: with_shuffled_pixels(locally_connected_cnn(0), shuffle_permutation()),
        "locally_connected_cnn(seed=0) behind ShufflePixels",
    ),
    "mlp_canvas": Recipe(_canvas_mlp, "mlp on 48x48 canvases", "canvas"),
    "mlp_canvas_shifts": Recipe(
        _canvas_mlp, "mlp on 48x48 canvases, shifts of up to 20 px", "canvas", _SHIFTS_CANVAS
    ),
    "gp_cnn_canvas": Recipe(
        lambda: global_pool_cnn(0), "global_pool_cnn(seed=0) on canvases", "canvas"
    ),
    "lc_cnn_canvas": Recipe(
        lambda: locally_connected_cnn(0, (CANVAS["size"],) * 2),
        "locally_connected_cnn(seed=0) for 48x48 canvases",
        "canvas",
    ),
}


def training_data(data: str = "digits", n: int | None = None, *, part: str = "fit"):
    """The images a recipe trains on and their labels: (X (N, H, W) uint8, y (N,)).

    data "digits": the 7,000 fit digits of validation_split(X_train, y_train);
    "canvas": the same digits pasted on CANVAS. part="validation": its 1,000
    validation digits instead (on canvases, pasted the same way), which measure
    training after every epoch. n: only the first n (they come in a shuffled order).
    """
    if data not in ("digits", "canvas"):
        raise ValueError(f'data must be "digits" or "canvas", got {data!r}')
    if part not in ("fit", "validation"):
        raise ValueError(f'part must be "fit" or "validation", got {part!r}')
    X_train, _, y_train, _ = train_test_split(*load_digits())
    X_fit, X_val, y_fit, y_val = validation_split(X_train, y_train)  # 7,000 / 1,000
    X, y = (X_fit, y_fit) if part == "fit" else (X_val, y_val)
    if n is not None:
        n = as_int(n, "n", 1)
        X, y = X[:n], y[:n]
    if data == "canvas":
        X, _ = place_on_canvas(X, **CANVAS)
    return X, y


def _recipe(name) -> Recipe:
    if name not in PRETRAINED:
        raise ValueError(f"name must be one of {sorted(PRETRAINED)}, got {name!r}")
    return PRETRAINED[name]


def train_pretrained(name: str, *, live=False, validate: bool = False):
    """Train model ``name`` with its recipe, now: returns (model, fit's history).

    It learns from training_data(recipe.data). validate=True measures the 1,000
    validation digits (or canvases) after every epoch: history["val_acc"], (epochs,).
    The test digits are not touched.
    """
    recipe = _recipe(name)
    X, y = training_data(recipe.data)
    model = recipe.build()
    val = {}
    if validate:
        X_val, y_val = training_data(recipe.data, part="validation")
        val = {"X_val": X_val, "y_val": y_val}
    history = fit(model, X, y, live=live, **recipe.fit, **val)
    return model, history


def pretrained(name: str, *, retrain: bool = False, live=False) -> Sequential:
    """The trained model ``name`` (a key of PRETRAINED), loaded from data/models/NAME.npz.

    retrain=True trains it now with its recipe instead (minutes for the CNNs on one
    CPU; live=True shows fit's curves). The file's sha256 must match the manifest.
    """
    if not isinstance(retrain, bool):
        raise TypeError(f"retrain must be True or False, got {retrain!r}")
    recipe = _recipe(name)
    if retrain:
        return train_pretrained(name, live=live)[0]
    entry = _manifest_entry(name)
    path = MODELS_DIR / entry["file"]
    digest = file_sha256(path)
    if digest != entry["sha256"]:
        raise ValueError(
            f"{path} has sha256 {digest}, the manifest says {entry['sha256']}: the file is "
            "damaged or stale. Run `make models`, or pretrained(name, retrain=True)."
        )
    model = recipe.build()
    changes = recipe.changes_since(entry["fit"])
    if changes or entry["data"] != recipe.data:
        warnings.warn(
            f"{name}: the shipped weights were trained on {entry['data']} with fit arguments "
            f"that differ from the code's recipe (recorded, now): {changes}; the code trains on "
            f"{recipe.data}. Run `make models` to train them again",
            RuntimeWarning,
            stacklevel=2,
        )
    return load_params(model, path)


def pretrained_with_curve(name: str, *, retrain: bool = False, live=False):
    """The trained model ``name`` and its validation accuracy after every epoch.

    Returns (Sequential, (epochs,) float64 accuracies on the 1,000 validation digits
    or canvases): from the shipped file and the manifest, or, with retrain=True,
    from training it now (see train_pretrained).
    """
    if not isinstance(retrain, bool):
        raise TypeError(f"retrain must be True or False, got {retrain!r}")
    if retrain:
        model, history = train_pretrained(name, live=live, validate=True)
        return model, np.asarray(history["val_acc"])
    return pretrained(name), np.asarray(_manifest_entry(name)["val_acc"])


def _manifest(models_dir=None) -> dict:
    path = Path(MODELS_DIR if models_dir is None else models_dir) / MANIFEST
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make models`")
    return json.loads(path.read_text())


def _manifest_entry(name: str) -> dict:
    models = _manifest()["models"]
    if name not in models:
        raise FileNotFoundError(f"no shipped weights for {name!r}: run `make models`")
    return models[name]


def _jsonable(value):
    """value with tuples as lists, as it comes back from JSON."""
    return json.loads(json.dumps(value))


def file_sha256(path) -> str:
    """The sha256 of a file's bytes, as hex (a fingerprint: any changed byte changes it)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --- saving and loading parameters ------------------------------------------------

_FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # zip entries without a time stamp: the same bytes each time


def save_params(model: Sequential, path) -> str:
    """Write every parameter of ``model`` to an .npz file; return the file's sha256.

    Keys "LAYER.NAME" (e.g. "0.w": layer 0's weights), float32, plus "architecture"
    (repr(model)), which load_params compares. The zip is stored uncompressed with
    fixed dates, so the same parameters always give the same bytes.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a Sequential, got {type(model).__name__}")
    arrays = {"architecture": np.array(repr(model))}
    for i, layer in enumerate(model.layers):
        for name, param in layer.params.items():
            arrays[f"{i}.{name}"] = np.asarray(param, dtype=np.float32)
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for key, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=_FIXED_DATE)
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue())
    return file_sha256(path)


def load_params(model: Sequential, path) -> Sequential:
    """Copy the parameters saved by save_params into ``model`` (same architecture); return it."""
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a Sequential, got {type(model).__name__}")
    with np.load(Path(path), allow_pickle=False) as saved:
        if str(saved["architecture"]) != repr(model):
            raise ValueError(
                f"{path} holds {saved['architecture']}, not the model given: {model!r}"
            )
        expected = {
            f"{i}.{name}": p
            for i, layer in enumerate(model.layers)
            for name, p in layer.params.items()
        }
        if set(saved.files) - {"architecture"} != set(expected):
            raise ValueError(
                f"{path} holds parameters {sorted(saved.files)}, expected {sorted(expected)}"
            )
        for key, param in expected.items():
            value = saved[key]
            if value.shape != param.shape:
                raise ValueError(f"{path}: {key} has shape {value.shape}, expected {param.shape}")
            param[...] = value  # in place: the layer keeps its array
    return model


# --- the learning curve -------------------------------------------------------------

CURVE_MODELS = {"MLP": "mlp", "CNN": "small_cnn"}  # label -> the PRETRAINED recipe it follows


def learning_curve_point(model: str, n: int) -> tuple[int, float]:
    """(make models) Train CURVE_MODELS[model] on the first n fit digits: (steps, test accuracy).

    The model's PRETRAINED recipe, with as many epochs as give about the steps of
    the recipe on all 7,000 fit digits, so every n gets the same number of updates
    (n = 7,000 is the shipped model itself). Measured once on the 2,000 test digits.
    """
    if model not in CURVE_MODELS:
        raise ValueError(f"model must be one of {sorted(CURVE_MODELS)}, got {model!r}")
    recipe = PRETRAINED[CURVE_MODELS[model]]
    X, y = training_data("digits", n)
    full = recipe.full_fit()
    steps_all = full["num_epochs"] * -(-len(training_data("digits")[0]) // full["batch_size"])
    steps_per_epoch = -(-len(X) // full["batch_size"])
    epochs = max(1, round(steps_all / steps_per_epoch))
    net = recipe.build()
    fit(net, X, y, live=False, **{**recipe.fit, "num_epochs": epochs})
    _, X_test, _, y_test = train_test_split(*load_digits())
    return epochs * steps_per_epoch, accuracy(net, X_test, y_test)


def learning_curve(*, retrain: bool = False) -> dict:
    """Test accuracy against the number of training digits, for the MLP and small_cnn.

    For n in LEARNING_CURVE_SIZES, see learning_curve_point. Returns {"sizes": (6,),
    "steps": (6,), "MLP": (6,) accuracies, "CNN": (6,)} on the 2,000 test digits
    (each trained model measured once; nothing is chosen from them).
    retrain=False reads what `make models` measured (manifest.json);
    retrain=True trains the 12 models now (minutes on one CPU).
    """
    if not isinstance(retrain, bool):
        raise TypeError(f"retrain must be True or False, got {retrain!r}")
    if not retrain:
        curve = _manifest()["learning_curve"]
        return {key: np.asarray(value) for key, value in curve.items()}
    curve = {"sizes": list(LEARNING_CURVE_SIZES), "steps": []}
    for name in CURVE_MODELS:
        points = [learning_curve_point(name, n) for n in LEARNING_CURVE_SIZES]
        curve["steps"] = [steps for steps, _ in points]
        curve[name] = [acc for _, acc in points]
    return {key: np.asarray(value) for key, value in curve.items()}


# --- what make models writes ----------------------------------------------------------


def manifest_entry(
    name: str, model: Sequential, history: dict, seconds: float, digest: str
) -> dict:
    """(make models) The manifest entry of one trained model: file, sha256, recipe, results.

    history: fit's, with "val_acc" on the validation digits (or canvases) after every
    epoch. Digit models are then measured once on the 2,000 test digits ("test_accuracy").
    """
    recipe = _recipe(name)
    entry = {
        "file": f"{name}.npz",
        "sha256": digest,
        "about": recipe.about,
        "architecture": repr(model),
        "parameters": int(model.num_params()),
        "data": recipe.data,
        "fit": _jsonable(recipe.full_fit()),
        "train_seconds": round(seconds, 1),
        "val_acc": [round(v, 4) for v in history["val_acc"]],
    }
    if recipe.data == "digits":
        _, X_test, _, y_test = train_test_split(*load_digits())
        entry["test_accuracy"] = accuracy(model, X_test, y_test)
    return entry


def write_manifest(content: dict, models_dir=None) -> Path:
    """(make models) Write manifest.json: {"models": {name: entry}, "learning_curve": ...}."""
    path = Path(MODELS_DIR if models_dir is None else models_dir) / MANIFEST
    path.write_text(json.dumps(_jsonable(content), indent=1) + "\n")
    return path


def read_manifest(models_dir=None) -> dict:
    """manifest.json as a dict (see write_manifest)."""
    return _manifest(models_dir)
