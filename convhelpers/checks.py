"""Exercise checks: run the learner's answer, print ✅ or ❌ with a hint, never raise.

Every ``check_*`` function returns True when the answer is right and False
otherwise. Whatever the learner's code does (raise, return None, loop for too
long) the check prints a helpful message instead of a traceback from here.
"""

import signal
import threading
import time
import traceback

import numpy as np

__all__ = ["call_learner", "check_array", "check_center_pixel", "check_class_counts", "report"]


def report(ok: bool, message: str, hint: str | None = None) -> bool:
    """Print '✅ message' or '❌ message' (with '💡 hint' under a failure); return ok."""
    print(("✅ " if ok else "❌ ") + message)
    if not ok and hint:
        print("   💡 Hint: " + hint)
    return bool(ok)


class _TooSlow(Exception):
    pass


def _where_in_learner_code(tb) -> str:
    """' (line N: `code`)' for the deepest frame outside numpy and this package."""
    frames = [f for f in traceback.extract_tb(tb) if "site-packages" not in f.filename]
    frames = [f for f in frames if "convhelpers" not in f.filename]
    if not frames:
        return ""
    f = frames[-1]
    return f" (line {f.lineno}: `{(f.line or '').strip()}`)"


def call_learner(fn, *args, time_limit: float | None = None):
    """Call the learner's ``fn(*args)`` safely.

    Returns (ok, value, problem): ok is False when fn is not a function, raised,
    or ran past time_limit seconds; problem is then a sentence for the learner.
    """
    if not callable(fn):
        return False, None, f"expected a function, got {type(fn).__name__} {fn!r:.60}"
    use_alarm = (
        time_limit is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if use_alarm:

        def on_alarm(signum, frame):
            raise _TooSlow

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, time_limit)
    start = time.perf_counter()
    try:
        value = fn(*args)
    except _TooSlow:
        return False, None, f"your function took longer than {time_limit:g} s, so it was stopped"
    except Exception as err:  # the learner's error, shown as theirs
        where = _where_in_learner_code(err.__traceback__)
        return False, None, f"your function raised {type(err).__name__}: {err}{where}"
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if time_limit is not None and time.perf_counter() - start > time_limit:
        return False, None, f"your function took longer than {time_limit:g} s"
    return True, value, None


def _compare(answer, expected, atol: float) -> str | None:
    """None if answer equals expected (arrays or numbers), else what differs."""
    if answer is None:
        return "you gave None — did you forget to `return` (or to assign) the result?"
    try:
        answer = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return f"expected numbers, got {type(answer).__name__}"
    expected = np.asarray(expected, dtype=float)
    if answer.shape != expected.shape:
        return f"expected shape {expected.shape}, got {answer.shape}"
    if not np.allclose(answer, expected, atol=atol, rtol=0):
        wrong = int((~np.isclose(answer, expected, atol=atol, rtol=0)).sum())
        return f"{wrong} of {expected.size} values differ from the expected ones"
    return None


def check_array(answer, expected, what: str, *, hint: str | None = None, atol=1e-6) -> bool:
    """Compare the learner's array (or number) with the expected one and report."""
    problem = _compare(answer, expected, atol)
    if problem is None:
        return report(True, f"{what}: correct")
    return report(False, f"{what}: {problem}", hint)


# --- 00_start_here -----------------------------------------------------------


def check_center_pixel(image) -> bool:
    """Exercise: a 5x5 uint8 image, 0 everywhere except 255 in the centre pixel."""
    expected = np.zeros((5, 5), dtype=np.uint8)
    expected[2, 2] = 255
    dtype = getattr(image, "dtype", None)
    if image is not None and dtype != np.uint8:
        return report(
            False,
            f"the image should have dtype uint8, got {dtype or type(image).__name__}",
            "np.zeros((5, 5), dtype=np.uint8) makes the black image.",
        )
    return check_array(
        image,
        expected,
        "centre-pixel image",
        hint="Rows and columns count from 0: the centre is [2, 2].",
    )


def check_class_counts(counts) -> bool:
    """Exercise: how many shipped digits of each class 0-9 (an array of 10 counts)."""
    from .data import load_digits

    _, labels = load_digits()
    return check_array(
        counts,
        np.bincount(labels, minlength=10),
        "digits per class",
        hint="np.bincount(labels) counts how often each label 0, 1, ..., 9 occurs.",
    )


# --- 01-03: pixels, permutation, translation ---------------------------------


# --- 04: sliding-kernel convolution ------------------------------------------


# --- 05-06: training a CNN, what convolution buys ----------------------------
