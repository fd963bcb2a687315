"""Input checks shared by every public function.

Each check raises a ``TypeError`` or ``ValueError`` that names the argument and
says what was expected, so a learner's mistake points at their own call.
"""

import numbers

import numpy as np


def as_numeric_array(x, name: str, ndim: int | None = None) -> np.ndarray:
    """Return ``x`` as a real, finite numpy array (never a copy we modify).

    Raises TypeError for non-numeric or complex data, ValueError for the wrong
    number of dimensions, an empty array, or NaN/inf values.
    """
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got a {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except Exception as err:  # ragged lists and other odd objects
        raise TypeError(f"{name} must be an array of numbers ({err})") from None
    if arr.dtype == bool:
        arr = arr.astype(np.uint8)
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got complex dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be an array of numbers, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape} ({arr.ndim}-D)")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.floating) and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def as_int(x, name: str, minimum: int) -> int:
    """Return ``x`` as a Python int >= ``minimum`` (bools and floats are refused)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {x!r} ({type(x).__name__})")
    if x < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {x}")
    return int(x)
