"""The shipped digits, the split, IDX files and the photo."""

import gzip
import shutil
import struct

import numpy as np
import pytest

import convhelpers as ch
import convhelpers.data as data
from convhelpers import load_digits, load_idx, load_photo, train_test_split


def test_shipped_digits():
    images, labels = load_digits()
    assert images.dtype == np.uint8 and images.shape == (10000, 28, 28)
    assert labels.dtype == np.int64 and labels.shape == (10000,)
    assert set(np.unique(labels)) == set(range(10))
    assert images.max() == 255 and images.min() == 0
    assert 800 < np.bincount(labels).min() and np.bincount(labels).max() < 1200
    # Real digits: ink in the middle, the border mostly empty.
    mean = images.mean(axis=0)
    assert mean[10:18, 10:18].mean() > 5 * mean[:3].mean()


def test_missing_and_altered_files_are_reported(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="digits file is missing"):
        load_digits(tmp_path / "nothing.npz")
    copy = tmp_path / "digits.npz"
    shutil.copy(data.DIGITS_PATH, copy)
    with open(copy, "r+b") as f:  # flip one byte in the middle
        f.seek(1000)
        byte = f.read(1)
        f.seek(1000)
        f.write(bytes([byte[0] ^ 0xFF]))
    monkeypatch.setattr(data, "DIGITS_PATH", copy)
    with pytest.raises(ValueError, match="altered or damaged"):
        load_digits()


def test_split_is_stratified_seeded_and_disjoint():
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y)
    assert X_train.shape == (8000, 28, 28) and X_test.shape == (2000, 28, 28)
    assert y_train.shape == (8000,) and y_test.shape == (2000,)
    # same class proportions (within one example) in the test set as in the whole set
    np.testing.assert_allclose(np.bincount(y_test), np.bincount(y) * 0.2, atol=1)
    again = train_test_split(X, y)
    np.testing.assert_array_equal(again[1], X_test)
    other = train_test_split(X, y, seed=1)
    assert not np.array_equal(other[3], y_test)
    # no digit in both sets: compare the raw bytes of every image
    train_keys = {x.tobytes() for x in X_train}
    assert not any(x.tobytes() in train_keys for x in X_test)


def test_split_bad_input():
    with pytest.raises(ValueError, match="same length"):
        train_test_split(np.zeros((5, 2)), np.zeros(4, int))
    with pytest.raises(ValueError, match="test_size must be smaller"):
        train_test_split(np.zeros((5, 2)), np.zeros(5, int), test_size=5)
    with pytest.raises(TypeError, match="test_size must be an integer"):
        train_test_split(np.zeros((5, 2)), np.zeros(5, int), test_size=0.2)


def write_idx(path, array, compress=False):
    codes = {np.dtype(np.uint8): 0x08, np.dtype(">i4"): 0x0C, np.dtype(">f4"): 0x0D}
    header = bytes([0, 0, codes[array.dtype], array.ndim]) + struct.pack(
        ">" + "I" * array.ndim, *array.shape
    )
    raw = header + array.tobytes()
    path.write_bytes(gzip.compress(raw) if compress else raw)


@pytest.mark.parametrize("compress", [False, True])
def test_load_idx_round_trip(tmp_path, compress):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(7, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=7).astype(np.uint8)
    write_idx(tmp_path / "images", images, compress)
    write_idx(tmp_path / "labels", labels, compress)
    np.testing.assert_array_equal(load_idx(tmp_path / "images"), images)
    np.testing.assert_array_equal(load_idx(tmp_path / "labels"), labels)
    floats = rng.normal(size=(3, 4)).astype(">f4")
    write_idx(tmp_path / "floats", floats, compress)
    got = load_idx(tmp_path / "floats")
    assert got.dtype == np.float32 and got.dtype.isnative
    np.testing.assert_array_equal(got, floats)


def test_load_idx_rejects_truncated_and_foreign_files(tmp_path):
    images = np.zeros((5, 28, 28), dtype=np.uint8)
    write_idx(tmp_path / "full", images)
    raw = (tmp_path / "full").read_bytes()
    (tmp_path / "short").write_bytes(raw[:-100])
    with pytest.raises(
        ValueError, match=r"truncated or damaged: shape \(5, 28, 28\) needs 3936 bytes"
    ):
        load_idx(tmp_path / "short")
    (tmp_path / "header").write_bytes(raw[:9])
    with pytest.raises(ValueError, match="truncated: its header needs 16 bytes"):
        load_idx(tmp_path / "header")
    (tmp_path / "png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ValueError, match="is not an IDX file"):
        load_idx(tmp_path / "png")


def test_photo_is_a_colour_photograph():
    photo = load_photo()
    assert photo.dtype == np.uint8 and photo.ndim == 3 and photo.shape[2] == 3
    assert photo.shape[0] > 100 and photo.shape[1] > 100
    # a real colour picture: the channels differ and use the range
    assert photo.std() > 30
    assert np.abs(photo[..., 0].astype(int) - photo[..., 2]).mean() > 5


def test_validation_split_holds_back_1000_training_digits_once_and_for_all():
    X, y = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(X, y)
    X_fit, X_val, y_fit, y_val = ch.validation_split(X_train, y_train)
    assert X_fit.shape == (7000, 28, 28) and X_val.shape == (1000, 28, 28)
    assert y_fit.shape == (7000,) and y_val.shape == (1000,)
    # together they are exactly the training digits: nothing from the test set
    together = np.concatenate([X_fit, X_val]).reshape(8000, -1)
    assert sorted(map(bytes, together)) == sorted(map(bytes, X_train.reshape(8000, -1)))
    assert np.bincount(y_val).min() >= 80  # every class is in the validation set
    again = ch.validation_split(X_train, y_train)
    first = (X_fit, X_val, y_fit, y_val)
    assert all(np.array_equal(a, b) for a, b in zip(again, first, strict=True))
    assert ch.validation_split(X_train, y_train, size=500)[1].shape == (500, 28, 28)
