"""The KernelExplorer's inputs (notebook 04): the lesson's 4x4 example, typed kernels, images.

    parse_kernel("1 0 -1\n2 0 -2\n1 0 -1")   # -> float64 (3, 3); a ValueError says what is wrong
    photo_crop(32)                           # Grace Hopper's face, gray, float64 (32, 32)

Plain numpy, no widget: explorer.py (the widget) and the notebook use them.
"""

import re
from functools import cache

import numpy as np

from .._validate import as_numeric_array
from ..conv import KERNELS
from ..data import load_digits, load_photo

__all__ = ["EXAMPLE_IMAGE", "EXAMPLE_KERNEL", "parse_kernel", "photo_crop"]

EXAMPLE_IMAGE = np.array([[1, 2, 8, 9], [0, 1, 9, 8], [2, 0, 7, 9], [1, 1, 8, 7]], dtype=float)
"""The lesson's 4x4 image: dark on the left, bright on the right (a vertical edge)."""
EXAMPLE_KERNEL = np.array([[-1, 1], [-1, 1]], dtype=float)
"""The lesson's 2x2 kernel: right column minus left column, large on a dark-to-bright edge."""
EXAMPLE_IMAGE.setflags(write=False)
EXAMPLE_KERNEL.setflags(write=False)

MAX_KERNEL = 7  # larger kernels do not fit the panels readably
MAX_IMAGE = 128  # pixels per side; each one should stay visible


# --- parsing the typed kernel -------------------------------------------------


def _number(token: str, row: int) -> float:
    """float(token), also 'a/b'; a ValueError naming the row for anything else."""
    try:
        if token.count("/") == 1:
            top, bottom = token.split("/")
            value = float(top) / float(bottom)
        else:
            value = float(token)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{token!r} in row {row} is not a number") from None
    if not np.isfinite(value):
        raise ValueError(f"{token!r} in row {row} is not a finite number")
    return value


def parse_kernel(text: str) -> np.ndarray:
    """Read a kernel typed as rows of numbers -> float64 (kh, kw), at most 7 x 7.

    Numbers are separated by spaces or commas, rows by new lines or ';'.
    Brackets are ignored, so '[[1, 0], [0, -1]]' works, and '1/9' is a number.
    Nothing is evaluated: each number goes through float(). A ValueError says
    what is wrong (a word that is not a number, rows of different lengths).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    text = text.replace("−", "-").replace("],", ";").replace("[", " ").replace("]", " ")
    lines = [line.strip(" ,\t") for line in re.split(r"[;\n]", text)]
    lines = [line for line in lines if line]
    if not lines:
        raise ValueError("the kernel is empty: type rows of numbers, e.g. 1 0 -1")
    rows = [[_number(t, r) for t in re.split(r"[,\s]+", line)] for r, line in enumerate(lines, 1)]
    for r, row in enumerate(rows[1:], 2):
        if len(row) != len(rows[0]):
            raise ValueError(
                f"row {r} has {len(row)} numbers but row 1 has {len(rows[0])}: "
                "every row needs the same count"
            )
    if max(len(rows), len(rows[0])) > MAX_KERNEL:
        raise ValueError(
            f"a {len(rows)}×{len(rows[0])} kernel is too big to show: "
            f"at most {MAX_KERNEL}×{MAX_KERNEL}"
        )
    return np.array(rows, dtype=np.float64)


def kernel_text(kernel: np.ndarray) -> str:
    """The kernel as editable text, one row per line: (kh, kw) -> '1 0 -1\\n...'."""
    return "\n".join(" ".join(f"{v:.4g}" for v in row) for row in kernel)


def resolve_kernel(kernel) -> np.ndarray:
    """A kernel given as a preset name, typed text or an array -> float64 (kh, kw)."""
    if isinstance(kernel, str):
        key = kernel.strip().lower().replace("_", " ")
        return KERNELS[key].copy() if key in KERNELS else parse_kernel(kernel)
    kernel = as_numeric_array(kernel, "kernel", ndim=2).astype(np.float64)
    if max(kernel.shape) > MAX_KERNEL:
        raise ValueError(f"kernel must be at most {MAX_KERNEL}×{MAX_KERNEL}, got {kernel.shape}")
    return kernel


# --- images -------------------------------------------------------------------


def photo_crop(size: int = 32) -> np.ndarray:
    """Grace Hopper's face from :func:`load_photo`, gray, float64 (size, size).

    A 192x192-pixel square around the face is averaged down in blocks and
    rounded to whole numbers 0-255, like the pixels of a gray image.
    """
    if size not in (16, 32, 48, 64, 96, 192):
        raise ValueError(f"size must divide 192 (16, 32, 48, 64, 96 or 192), got {size!r}")
    rgb = load_photo()[120:312, 150:342].astype(np.float64)  # (192, 192, 3)
    gray = rgb @ np.array([0.299, 0.587, 0.114])  # (192, 192), the usual luminance weights
    block = 192 // size
    return gray.reshape(size, block, size, block).mean(axis=(1, 3)).round()  # (size, size)


@cache
def load_image(key: str):
    """(image float64 (H, W), vmin, vmax, description) for "digit", "example" or "photo".

    Loaded once (reading the digits takes milliseconds); the image is read-only.
    """
    if key == "digit":
        images, labels = load_digits()
        image, about = images[0].astype(np.float64), f"MNIST digit #0 (a {labels[0]})"
        vmax = 255.0
    elif key == "example":
        image, vmax, about = EXAMPLE_IMAGE, 9.0, "the lesson's 4×4 example"
    else:
        image, vmax, about = photo_crop(32), 255.0, "photo crop, gray"
    image.setflags(write=False)
    return image, 0.0, vmax, about


def fits(image_shape, kernel_shape, padding) -> bool:
    """Whether a kernel (kh, kw) fits inside the image (H, W) padded by padding on each side."""
    return all(k <= n + 2 * padding for n, k in zip(image_shape, kernel_shape, strict=True))
