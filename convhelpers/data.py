"""The course's data: 10,000 shipped MNIST digits, MNIST IDX files, and a photo.

Nothing is downloaded: the digits live in ``data/digits.npz`` beside this package.
"""

import gzip
import hashlib
from pathlib import Path

import numpy as np

from ._validate import as_int

__all__ = [
    "DIGITS_PATH",
    "load_digits",
    "load_idx",
    "load_photo",
    "train_test_split",
    "validation_split",
]

DIGITS_PATH = Path(__file__).resolve().parent.parent / "data" / "digits.npz"
DIGITS_SHA256 = "e3e11940381879921e064b5bccc1226cc69fe743ca6a8b6e505a120c83ce5b5e"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_digits(path: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The 10,000 shipped MNIST digits (863 to 1,127 of each class, as in MNIST).

    Returns (images, labels): uint8 (10000, 28, 28) with 0 = black background
    and 255 = full ink, and int64 (10000,) with values 0-9.
    The file's sha256 is checked first, so a damaged copy is reported, not used.
    """
    path = DIGITS_PATH if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"The digits file is missing: {path}. It ships with the course in data/; "
            "restore it with `git checkout -- data/digits.npz` (see data/README.md)."
        )
    if path == DIGITS_PATH and _sha256(path) != DIGITS_SHA256:
        raise ValueError(
            f"The digits file {path} has been altered or damaged (its sha256 is not "
            f"{DIGITS_SHA256}). Restore it with `git checkout -- data/digits.npz`."
        )
    with np.load(path) as f:
        images, labels = f["images"], f["labels"].astype(np.int64)
    return images, labels


def train_test_split(X, y, *, test_size: int = 2000, seed: int = 0):
    """Split into training and test sets with every class in the same proportion.

    X: (N, ...), y: (N,) integer labels -> X_train, X_test, y_train, y_test.
    The same seed always gives the same split; with the shipped digits and the
    defaults that is 8,000 training and 2,000 test digits.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.shape[:1] != y.shape or y.ndim != 1:
        raise ValueError(f"X and y must have the same length; got X {X.shape} and y {y.shape}")
    test_size = as_int(test_size, "test_size", 1)
    if test_size >= len(y):
        raise ValueError(f"test_size must be smaller than the {len(y)} examples, got {test_size}")
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    # Test examples per class, proportional to the class's size (rounded, then topped up).
    per_class = np.floor(counts * test_size / len(y)).astype(int)
    for c in np.argsort(-(counts * test_size / len(y) - per_class))[: test_size - per_class.sum()]:
        per_class[c] += 1
    pairs = zip(classes, per_class, strict=True)
    test_idx = np.concatenate([rng.permutation(np.flatnonzero(y == c))[:n] for c, n in pairs])
    is_test = np.zeros(len(y), dtype=bool)
    is_test[test_idx] = True
    train_idx = rng.permutation(np.flatnonzero(~is_test))
    test_idx = rng.permutation(test_idx)
    return X[train_idx], X[test_idx], y[train_idx], y[test_idx]


_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def load_idx(path: str | Path) -> np.ndarray:
    """Read an MNIST-style IDX file (``train-images-idx3-ubyte``, optionally ``.gz``).

    Returns an array whose shape is read from the file, e.g. uint8 (60000, 28, 28)
    for the training images or (60000,) for the labels.
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":  # gzip's magic number
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file (its first bytes are {raw[:4]!r})")
    dtype, ndim = np.dtype(_IDX_DTYPES[raw[2]]), raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path} is truncated: its header needs {header} bytes, found {len(raw)}")
    shape = tuple(int(n) for n in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = header + dtype.itemsize * int(np.prod(shape))
    if len(raw) != expected:
        raise ValueError(
            f"{path} is truncated or damaged: shape {shape} needs {expected} bytes, "
            f"the file has {len(raw)}"
        )
    data = np.frombuffer(raw, dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))  # native byte order, a writable copy


def load_photo() -> np.ndarray:
    """A colour photograph (Grace Hopper, shipped with matplotlib), uint8 (H, W, 3)."""
    from matplotlib import cbook
    from matplotlib import image as mpimg

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        photo = mpimg.imread(f, format="jpg")
    return np.ascontiguousarray(photo[..., :3])


def validation_split(X_train, y_train, *, size: int = 1000):
    """Hold back ``size`` training examples for choosing things; the test set stays untouched.

    X_train: (N, ...), y_train: (N,) -> X_fit, X_val, y_fit, y_val. Curves, recipes
    and "when to stop" are judged on the validation examples (X_val, y_val); the
    model learns from the rest (X_fit, y_fit). With the 8,000 training digits and
    the default that is 7,000 and 1,000, the same every time (seed 1, stratified).
    """
    return train_test_split(X_train, y_train, test_size=size, seed=1)
