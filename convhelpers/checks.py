"""Exercise checks: run the learner's answer, print ✅ or ❌ with a hint, never raise.

Every ``check_*`` function returns True when the answer is right and False
otherwise. Whatever the learner's code does (raise, return None, loop for too
long) the check prints a helpful message instead of a traceback from here.

This file holds what every check is built on (report, call_learner, check_array)
and notebook 00's checks. The other notebooks' checks import from it:
checks_pixels.py (01-03), checks_conv.py (04, 04b), checks_cnn.py (05-06),
checks_inside.py (07).
"""

import ast
import dis
import inspect
import signal
import textwrap
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


# The end of a problem sentence for a function still only `...` (run_learner_conv looks for it).
UNWRITTEN = "you have not written the function yet: replace the `...` with your code"


def _is_unwritten_stub(fn) -> bool:
    """True for a function whose body is still only `...` (after any docstring).

    Such a function returns None, like one that forgets its `return`; its code
    and, where Python kept it, its source tell the two apart.
    """
    code = getattr(fn, "__code__", None)
    if code is None or code.co_name == "<lambda>":
        return False
    ops = [(i.opname, i.argval) for i in dis.get_instructions(code)]
    ops = [op for op in ops if op[0] not in ("RESUME", "NOP")]
    if ops not in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)]):
        return False  # it does something
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):  # no source kept: it does nothing, so unwritten
        return True
    body = next((n.body for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)), [])
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:] if isinstance(body[0].value.value, str) else body  # the docstring
    return bool(body) and all(
        isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) and n.value.value is ...
        for n in body
    )


def call_learner(fn, *args, time_limit: float | None = None):
    """Call the learner's ``fn(*args)`` safely.

    Returns (ok, value, problem): ok is False when fn is not a function, is still
    an unwritten `...` stub, raised, ran past time_limit seconds or returned `...`;
    problem is then a sentence for the learner.
    """
    if not callable(fn):
        return False, None, f"expected a function, got {type(fn).__name__} {fn!r:.60}"
    if _is_unwritten_stub(fn):
        name = getattr(fn, "__name__", "your function")
        return False, None, f"`{name}` is still just `...` — {UNWRITTEN}"
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
    if value is ...:
        return False, None, f"your function returned `...` — {UNWRITTEN}"
    return True, value, None


def compare(answer, expected, atol: float) -> str | None:
    """None if answer equals expected (arrays or numbers), else what differs."""
    if answer is None:
        return "you gave None — did you forget to `return` (or to assign) the result?"
    if answer is ...:
        return (
            "your answer is still `...`: you have not written it yet — "
            "replace the `...` with your answer"
        )
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
    problem = compare(answer, expected, atol)
    if problem is None:
        return report(True, f"{what}: correct")
    return report(False, f"{what}: {problem}", hint)


# --- 00_start_here -----------------------------------------------------------


def check_center_pixel(image) -> bool:
    """Exercise: a 5x5 uint8 image, 0 everywhere except 255 in the centre pixel."""
    expected = np.zeros((5, 5), dtype=np.uint8)
    expected[2, 2] = 255
    dtype = getattr(image, "dtype", None)
    if image is not None and image is not ... and dtype != np.uint8:
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


# --- helpers the checks of 01-04b share (not exported at the top level) -------


def sample_digits(n: int = 2) -> np.ndarray:
    """The first n shipped digits, uint8 (n, 28, 28): real test inputs for the checks."""
    from .data import load_digits

    return load_digits()[0][:n]


def run_cases(fn, what: str, cases, mistake, hint: str, *, in_place: str) -> bool:
    """Call fn(*args) for each case; report the first mistake, or ✅ if there is none.

    mistake(value, *args) returns None when value is right, else (problem, hint).
    Arrays are passed as copies, so a function that changes its input is caught;
    in_place is this exercise's hint for that mistake.
    """
    for args in cases:
        copies = tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in args)
        ok, value, problem = call_learner(fn, *copies, time_limit=5.0)
        if not ok:
            return report(False, f"{what}: {problem}", hint)
        changed = [
            (k, a.shape)
            for k, (a, c) in enumerate(zip(args, copies, strict=True), start=1)
            if isinstance(a, np.ndarray) and not np.array_equal(a, c)
        ]
        if changed:
            k, shape = changed[0]
            where = f"argument {k} of {len(args)}, " if len(args) > 1 else ""
            return report(
                False,
                f"{what}: your function changed its input array ({where}shape {shape}) in place",
                in_place,
            )
        try:
            found = mistake(value, *args)
        except Exception:  # an answer too odd to diagnose is still just wrong
            found = (f"your function returned {type(value).__name__} {value!r:.60}", None)
        if found is not None:
            problem, specific = found
            return report(False, f"{what}: {problem}", specific or hint)
    return report(True, f"{what}: right on all {len(cases)} test inputs")


def as_number(value) -> float | None:
    """value as a float if it is one number (a Python or numpy scalar), else None."""
    try:
        return float(value) if np.ndim(value) == 0 else None
    except (TypeError, ValueError):
        return None


def array_mistake(value, expected, *, dtype=None, atol=1e-6):
    """(problem, None) if value is not the array expected (and of dtype, if given), else None."""
    problem = compare(value, expected, atol)
    number = as_number(value)
    if problem is not None and np.ndim(expected) == 0 and number is not None:
        return f"you gave {number:.6g}, expected {float(expected):.6g}", None
    if problem is not None and np.ndim(expected) == 0 and isinstance(value, np.ndarray):
        return f"expected one number, got an array of shape {value.shape}", None
    if problem is not None:
        return problem, None
    if dtype is not None and np.asarray(value).dtype != dtype:
        return (
            f"the values are right but the dtype is {np.asarray(value).dtype}, "
            f"expected {np.dtype(dtype).name}",
            "Images are stored as uint8: finish with .astype(np.uint8).",
        )
    return None
