"""Exercise checks: run the learner's answer, print ✅ or ❌ with a hint, never raise.

Every ``check_*`` function returns True when the answer is right and False
otherwise. Whatever the learner's code does (raise, return None, loop for too
long) the check prints a helpful message instead of a traceback from here.
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

from ._conv2d_diagnosis import conv2d_mistake

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


_UNWRITTEN = "you have not written the function yet: replace the `...` with your code"


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
        return False, None, f"`{name}` is still just `...` — {_UNWRITTEN}"
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
        return False, None, f"your function returned `...` — {_UNWRITTEN}"
    return True, value, None


def _compare(answer, expected, atol: float) -> str | None:
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


# --- 01-03: pixels, permutation, translation ---------------------------------

__all__ += [
    "check_brighten",
    "check_brightest_pixel",
    "check_class_score",
    "check_cosine_similarity",
    "check_invert",
    "check_shift_down",
    "check_unshuffle",
]


def _sample_digits(n: int = 2) -> np.ndarray:
    """The first n shipped digits, uint8 (n, 28, 28): real test inputs for the checks."""
    from .data import load_digits

    return load_digits()[0][:n]


def _run_cases(fn, what: str, cases, mistake, hint: str, *, in_place: str) -> bool:
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


def _number(value) -> float | None:
    """value as a float if it is one number (a Python or numpy scalar), else None."""
    try:
        return float(value) if np.ndim(value) == 0 else None
    except (TypeError, ValueError):
        return None


def _array_mistake(value, expected, *, dtype=None, atol=1e-6):
    """(problem, None) if value is not the array expected (and of dtype, if given), else None."""
    problem = _compare(value, expected, atol)
    number = _number(value)
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


# 01: pixels as grids


def check_brightest_pixel(fn) -> bool:
    """Exercise: fn(image (H, W)) returns (row, col) of a pixel with the largest value."""

    def mistake(value, image):
        if value is None:
            return "your function returned None", "End it with `return row, col`."
        if _number(value) is not None:
            return (
                f"you returned one number ({value}); expected two, (row, col)",
                "np.argmax gives a position in the flattened image: np.unravel_index turns it "
                "into (row, col).",
            )
        try:
            r, c = (int(v) for v in value)
        except (TypeError, ValueError):
            return f"expected (row, col), got {value!r:.60}", "Return a pair: `return row, col`."
        h, w = image.shape
        if not (0 <= r < h and 0 <= c < w):
            return f"({r}, {c}) is outside the image of shape {image.shape}", None
        if image[r, c] == image.max():
            return None
        if 0 <= c < h and 0 <= r < w and image[c, r] == image.max():
            return f"({r}, {c}) has row and column swapped", "Rows come first: image[row, col]."
        return f"pixel ({r}, {c}) holds {image[r, c]}, the brightest holds {image.max()}", None

    toy = np.arange(63, dtype=np.uint8).reshape(7, 9) % 50  # (7, 9), values below 50
    toy[2, 6] = 200  # the one brightest pixel; (6, 2) exists too, to catch a swap
    cases = [(toy,)] + [(d,) for d in _sample_digits()]
    hint = "i = np.argmax(image) is a flat index; np.unravel_index(i, image.shape) is (row, col)."
    in_place = (
        "Only read the image: np.argmax(image) finds the brightest pixel without changing it."
    )
    return _run_cases(fn, "brightest pixel", cases, mistake, hint, in_place=in_place)


def check_invert(fn) -> bool:
    """Exercise: fn(image (H, W) uint8) returns the negative 255 - image, uint8."""

    def mistake(value, image):
        found = _array_mistake(value, 255 - image, dtype=np.uint8)
        if found is None or _compare(value, 255 - image, 0) is None:
            return found  # right, or right values in the wrong dtype
        if _compare(value, (-image.astype(np.int64)) % 256, 0) is None:
            return (
                "you computed -image: in uint8, -x wraps around to 256 - x",
                "Subtract from the brightest value instead: 255 - image.",
            )
        one_minus = 1 - image.astype(np.int64)
        if _compare(value, one_minus, 0) is None or _compare(value, one_minus % 256, 0) is None:
            return "the pixels here run from 0 to 255, not 0 to 1", "Use 255 - image."
        return found

    toy = np.array([[0, 1, 128], [200, 254, 255]], dtype=np.uint8)
    cases = [(toy,)] + [(d,) for d in _sample_digits()]
    in_place = "Return a new array, out = 255 - image, instead of writing into image."
    return _run_cases(
        fn, "inverted image", cases, mistake, "255 - image is the negative.", in_place=in_place
    )


def check_brighten(fn) -> bool:
    """Exercise: fn(image (H, W) uint8, amount) adds amount and clips to 0-255, uint8."""
    from .grid_widgets import adjust

    def mistake(value, image, amount):
        clipped = adjust(image, brightness=amount)
        found = _array_mistake(value, clipped, dtype=np.uint8)
        wrapped = adjust(image, brightness=amount, clip=False)
        if found is not None and _compare(value, wrapped, 0) is None:
            r, c = np.argwhere(wrapped != clipped)[0]
            return (
                f"some pixels wrapped around: {image[r, c]} + ({amount}) became {wrapped[r, c]} "
                f"at ({r}, {c}) instead of {clipped[r, c]}",
                "Do the sum in a wider type, clip, then convert back: "
                "np.clip(image.astype(int) + amount, 0, 255).astype(np.uint8).",
            )
        return found

    digits = _sample_digits()
    ramp = np.arange(0, 256, 15, dtype=np.uint8).reshape(2, 9)  # (2, 9), 0 to 240
    cases = [(ramp, 30), (digits[0], 100), (digits[1], -60), (ramp, 0)]
    hint = (
        "Add in a wider type (image.astype(int)), clip to 0-255 (np.clip), then .astype(np.uint8)."
    )
    in_place = (
        "image += amount writes into the input: build a new array, "
        "np.clip(image.astype(int) + amount, 0, 255).astype(np.uint8)."
    )
    return _run_cases(fn, "brightened image", cases, mistake, hint, in_place=in_place)


# 02: permutation


def check_unshuffle(fn) -> bool:
    """Exercise: fn(shuffled (H, W), perm (H*W,)) puts the pixels back where they were."""
    from .images import permute_pixels

    def mistake(value, shuffled, perm):
        original = permute_pixels(shuffled, np.argsort(perm))
        found = _array_mistake(value, original)
        if found is None:
            return None
        if _compare(value, permute_pixels(shuffled, perm), 0) is None:
            return (
                "you shuffled a second time with perm instead of undoing it",
                "The permutation that undoes perm is np.argsort(perm).",
            )
        if np.size(value) == original.size and np.shape(value) != original.shape:
            return f"the shape is {np.shape(value)}, expected {original.shape}", (
                "Reshape the flat result back to the image's shape: .reshape(shuffled.shape)."
            )
        return found

    rng = np.random.default_rng(7)
    toy = np.arange(20, dtype=np.uint8).reshape(4, 5)  # not 28x28: no hard-coded sizes
    cases = [(permute_pixels(toy, p := rng.permutation(20)), p)]
    for d in _sample_digits():
        p = rng.permutation(d.size)
        cases.append((permute_pixels(d, p), p))
    hint = "ch.permute_pixels(shuffled, np.argsort(perm)) undoes ch.permute_pixels(image, perm)."
    in_place = (
        "shuffled.ravel() can be a view, so writing into it writes into shuffled: build a new "
        "array by indexing, shuffled.ravel()[np.argsort(perm)].reshape(shuffled.shape)."
    )
    return _run_cases(fn, "unshuffled image", cases, mistake, hint, in_place=in_place)


def check_class_score(fn, model) -> bool:
    """Exercise: fn(model, image (28, 28) uint8, c) is the dot product score of class c.

    Expected: model.scores(image)[c] (pixels scaled to 0-1, plus the bias b[c]).
    """

    def mistake(value, model, image, c):
        expected = float(model.scores(image)[c])
        if _compare(value, model.scores(image), 1e-3) is None:
            return "you returned the scores of all 10 classes", "Keep the one of class c: [c]."
        found = _array_mistake(value, expected, atol=1e-3)
        number = _number(value)
        if found is not None and number is not None:
            if abs(number - (expected - model.b[c])) < 1e-3:
                return f"{number:.3f} is missing the bias b[{c}]", "Add model.b[c]."
            raw = float(np.sum(image * model.reference_vectors()[c]) + model.b[c])
            if abs(number - raw) < 1e-2 * max(1.0, abs(raw)):
                return (
                    "you used pixel values 0-255; the model was trained on 0-1",
                    "Scale the pixels first: ch.to_float(image).",
                )
        return found

    digits = _sample_digits(3)
    cases = [(model, d, c) for d, c in zip(digits, (0, 5, 9), strict=True)]
    hint = "score = np.sum(ch.to_float(image) * model.reference_vectors()[c]) + model.b[c]."
    in_place = "Scale a copy, x = ch.to_float(image), instead of writing into image."
    return _run_cases(fn, "class score", cases, mistake, hint, in_place=in_place)


# 03: translation


def check_cosine_similarity(fn) -> bool:
    """Exercise: fn(a, b) is the cosine of the angle between two images seen as vectors."""
    from .experiments import cosine_similarity
    from .images import shift

    def mistake(value, a, b):
        found = _array_mistake(value, cosine_similarity(a, b))
        if found is None:
            return None
        if np.ndim(value) == 2:
            norms = np.linalg.norm(a) * np.linalg.norm(b)
            products = (np.dot(a, b), np.dot(a.astype(float), b.astype(float)))  # (H, W) each
            if any(_compare(value, m / norms, 1e-6) is None for m in products):
                return (
                    f"you returned a {np.shape(value)} array: np.dot of two 2-D images is their "
                    "matrix product, not the sum of the pixel-by-pixel products",
                    "Flatten first, np.dot(a.ravel(), b.ravel()), or sum the products: "
                    "np.sum(a * b) (on float copies).",
                )
            return (
                f"you returned a {np.shape(value)} array; the cosine is one number",
                "Sum over all the pixels, on float copies: "
                "np.sum(a * b) / (np.linalg.norm(a) * np.linalg.norm(b)).",
            )
        if a.dtype == np.uint8:
            ok, on_floats, _ = call_learner(fn, a.astype(float), b.astype(float), time_limit=5.0)
            if ok and _compare(on_floats, cosine_similarity(a, b), 1e-6) is None:
                return (
                    "right for float images but not for these uint8 ones: the products "
                    "overflowed (uint8 holds only 0-255)",
                    "Convert first: a = a.astype(float).ravel() (and the same for b).",
                )
        return found

    d = _sample_digits(2)
    cases = [(d[0], d[0]), (d[0], shift(d[0], dx=3)), (d[0], d[1]), (d[1].astype(float), d[0])]
    hint = (
        "cos = (a · b) / (|a| |b|), each image one long vector of pixels: a = a.astype(float) "
        "(the same for b), then np.sum(a * b) / (np.linalg.norm(a) * np.linalg.norm(b))."
    )
    in_place = (
        "a /= ... writes into the caller's image: make new arrays, a = a.astype(float) "
        "(the same for b)."
    )
    return _run_cases(fn, "cosine similarity", cases, mistake, hint, in_place=in_place)


def check_shift_down(fn) -> bool:
    """Exercise: fn(image (H, W), k) moves the picture k pixels down, zeros on top."""
    from .images import shift

    def mistake(value, image, k):
        found = _array_mistake(value, shift(image, dy=k))
        if found is None:
            return None
        if _compare(value, np.roll(image, k, axis=0), 0) is None:
            return (
                f"the bottom {k} rows came back at the top (np.roll wraps around)",
                "Start from np.zeros_like(image) and copy image[:H - k] into rows k onwards.",
            )
        if _compare(value, shift(image, dy=-k), 0) is None:
            return "the picture moved up, not down", "Row r of the input goes to row r + k."
        if _compare(value, shift(image, dx=k), 0) is None:
            return "the picture moved right, not down", "Move rows (axis 0), not columns."
        return found

    ramp = np.arange(1, 31, dtype=np.uint8).reshape(6, 5)  # ink everywhere: a roll shows
    digit = _sample_digits(1)[0]
    cases = [(ramp, 2), (digit, 4), (ramp, 0), (digit, 1)]
    hint = "out = np.zeros_like(image); out[k:] = image[:image.shape[0] - k]"
    in_place = (
        "Start from a new array, out = np.zeros_like(image), then out[k:] = "
        "image[:image.shape[0] - k]; image itself stays as it was."
    )
    return _run_cases(fn, "shifted image", cases, mistake, hint, in_place=in_place)


# --- 04: sliding-kernel convolution ------------------------------------------

__all__ += ["check_conv2d", "check_output_size", "run_learner_conv"]

# Asymmetric (a flip or a transpose changes it) and with a 0.5 (an int output loses it).
_CONV_KERNEL = np.array([[1.0, 2.0, 0.0], [-1.0, 0.5, 3.0], [0.0, -2.0, 1.0]])
_CONV_SHAPES = ((8, 8), (12, 10), (10, 10), (12, 8))


def run_learner_conv(fn, image, kernel, time_limit):
    """Run a learner's conv fn(image (H, W), kernel (kh, kw)) on copies, as check_conv2d does.

    Returns (output or None, (problem, hint) or None when it equals conv2d, slow?).
    Used by check_conv2d and by the KernelExplorer's conv_fn; never raises.
    """
    given = (image.copy(), kernel.copy())
    start = time.perf_counter()
    ok, out, problem = call_learner(fn, *given, time_limit=time_limit)
    if not ok:
        slow = time.perf_counter() - start >= time_limit
        if slow:
            hint = "Loop over output positions and use np.sum(patch * kernel) for each one."
        elif _UNWRITTEN in problem:
            hint = (
                "Start with out = np.zeros((H - kh + 1, W - kw + 1)), then fill each out[i, j] "
                "with np.sum(image[i:i+kh, j:j+kw] * kernel)."
            )
        else:
            hint = (
                "Try it on a tiny input, e.g. np.arange(16.0).reshape(4, 4) with np.ones((2, 2))."
            )
        return None, (problem, hint), slow
    if not (np.array_equal(given[0], image) and np.array_equal(given[1], kernel)):
        changed = "image" if not np.array_equal(given[0], image) else "kernel"
        return out, (f"your function changed its input {changed} in place", _NO_WRITE), False
    return out, conv2d_mistake(out, image, kernel), False


_NO_WRITE = "Write results into a new array (out = np.zeros(...)), never into image or kernel."


def check_conv2d(fn, *, time_limit: float = 2.0) -> bool:
    """Exercise: the learner's ``fn(image, kernel)`` must equal ``conv2d(image, kernel)``.

    Runs fn with a 3x3 asymmetric kernel on seeded uint8 images of shapes (8, 8),
    (12, 10), (10, 10) and (12, 8); prints a ✅/❌ line per image with a diagnosis
    and a hint; returns True only if all pass. Each call may take time_limit seconds;
    a function too slow or not written yet is not tried on the other images.
    """
    name = getattr(fn, "__name__", "your function")
    if not callable(fn):
        return report(False, f"expected a function, got {type(fn).__name__}", "Pass it unrun.")
    rng = np.random.default_rng(4)
    hints, passed = set(), 0
    for k, shape in enumerate(_CONV_SHAPES):
        image = rng.integers(0, 10, size=shape, dtype=np.uint8)  # (H, W)
        out, mistake, slow = run_learner_conv(fn, image, _CONV_KERNEL, time_limit)
        if mistake is None:
            passed += report(True, f"image {shape} → output {out.shape}: matches conv2d")
            continue
        problem, hint = mistake
        report(False, f"image {shape}: {problem}", None if hint in hints else hint)
        hints.add(hint)
        if slow or _UNWRITTEN in problem:
            print(f"   (the other {len(_CONV_SHAPES) - k - 1} images were not tried)")
            break
    total = len(_CONV_SHAPES)
    return report(passed == total, f"{name}: {passed} of {total} images right")


# Wrong formulas learners write for the output size, each with what it means.
_OUTPUT_SIZE_MISTAKES = (
    (
        lambda n, k, p, s: (n + 2 * p - k) // s,
        "the + 1 is missing",
        "Count positions: a kernel as wide as the image still fits once, so N = k must give 1.",
    ),
    (
        lambda n, k, p, s: (n + p - k) // s + 1,
        "padding is counted once",
        "Padding adds p zeros on both sides: N + 2p.",
    ),
    (
        lambda n, k, p, s: (n - k) // s + 1,
        "padding is ignored",
        "Padding makes the image N + 2p wide before the kernel slides.",
    ),
    (
        lambda n, k, p, s: n + 2 * p - k + 1,
        "stride is ignored",
        "With stride s the kernel jumps s pixels: divide by s (rounding down), then add 1.",
    ),
)
_OUTPUT_SIZE_CASES = (
    (28, 3, 0, 1),
    (28, 3, 1, 1),
    (28, 5, 2, 2),
    (4, 2, 0, 1),
    (7, 3, 0, 2),
    (8, 3, 1, 2),
    (10, 3, 0, 3),
    (5, 5, 0, 1),
)


def check_output_size(fn) -> bool:
    """Exercise: ``fn(n, k, padding, stride)`` must give :func:`convhelpers.output_size`.

    Tries 8 cases (image size n, kernel size k); prints ✅ or ❌ with the first
    wrong case and a hint about the likely mistake; returns True if all are right.
    """
    from .conv import output_size

    answers = []
    for n, k, p, s in _OUTPUT_SIZE_CASES:
        expected = output_size(n, k, stride=s, padding=p)
        call = f"({n}, {k}, padding={p}, stride={s})"
        ok, got, problem = call_learner(fn, n, k, p, s, time_limit=2.0)
        if not ok:
            return report(False, f"calling it with {call}: {problem}", "Return a number.")
        if got is None:
            return report(
                False, f"it returned None for {call}", "End it with `return` and the size."
            )
        if not isinstance(got, (int, np.integer)) or isinstance(got, bool):
            return report(
                False,
                f"it returned {got!r} ({type(got).__name__}) for {call}, "
                f"expected the whole number {expected}",
                "A size is a whole number: use // (floor division), not /.",
            )
        answers.append(int(got))
        if got != expected:
            return report(
                False, f"it gave {got} for {call}, expected {expected}", _output_size_hint(answers)
            )
    return report(True, f"the output size is right in all {len(answers)} cases")


def _output_size_hint(answers) -> str:
    """The hint of the first known mistake that explains every answer so far."""
    for formula, what, hint in _OUTPUT_SIZE_MISTAKES:
        if all(formula(*case) == a for case, a in zip(_OUTPUT_SIZE_CASES, answers, strict=False)):
            return f"It looks as if {what}. {hint}"
    return "Output size = (N + 2p - k) // s + 1."


# --- 05-06: training a CNN, what convolution buys ----------------------------

__all__ += [
    "check_conv_params",
    "check_global_avg_pool",
    "check_locally_connected_params",
    "check_most_confused",
    "check_place_digit",
    "check_relu_backward",
]

_CONV_LAYERS = ((1, 16, 3), (16, 32, 3), (3, 8, 5), (2, 1, 1))  # (in, out, kernel size)


def _as_floats(answer, shape) -> np.ndarray | None:
    """The learner's answer as a float array if it has this shape, else None (never raises)."""
    try:
        arr = np.asarray(answer, dtype=float)
    except Exception:  # ragged lists, strings, odd objects: _compare explains them
        return None
    return arr if arr.shape == shape else None


def check_conv_params(fn) -> bool:
    """Exercise (05): fn(in_channels, out_channels, kernel_size) -> a conv layer's parameter count.

    Compared with the size of a real Conv2D layer's weights and biases.
    """
    from .models import Conv2D

    for c_in, c_out, k in _CONV_LAYERS:
        ok, answer, problem = call_learner(fn, c_in, c_out, k)
        call = f"conv_params({c_in}, {c_out}, {k})"
        if not ok:
            return report(False, f"{call}: {problem}", "Start from `return 0` and build up.")
        layer = Conv2D(c_in, c_out, k, rng=0)
        expected = sum(p.size for p in layer.params.values())
        if isinstance(answer, bool) or not isinstance(answer, (int, float, np.number)):
            return report(
                False, f"{call} returned {answer!r:.60}, expected a whole number", "Return an int."
            )
        if answer == expected:
            continue
        hint = (
            "Each of the out_channels kernels has in_channels × kernel_size × kernel_size "
            "weights and one bias."
        )
        if answer == expected - c_out:
            hint = "Almost: every kernel also has one bias."
        elif answer == c_out * k * k + c_out:
            hint = (
                "Each kernel looks at every input channel: in_channels × kernel_size × kernel_size "
                "weights."
            )
        return report(False, f"{call} returned {answer}, expected {expected:,}", hint)
    return report(True, f"conv_params: correct for all {len(_CONV_LAYERS)} layers tried")


def check_relu_backward(fn) -> bool:
    """Exercise (05): fn(dout, x) -> dx, the gradient of ReLU, for arrays of the same shape."""
    from .nn import relu_backward, relu_forward

    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 4, 4))
    x[0, 0, 0, :2] = 0.0  # exact zeros, ReLU's kink: the course takes the gradient there as 0
    dout = rng.standard_normal(x.shape)
    expected = relu_backward(dout, relu_forward(x)[1])
    ok, dx, problem = call_learner(fn, dout.copy(), x.copy())
    if not ok:
        return report(False, f"relu backward: {problem}", "dx = dout where x > 0, else 0.")
    dx_ = _as_floats(dx, x.shape)
    if dx_ is not None:
        if np.allclose(dx_, (dout > 0) * dout):
            return report(
                False,
                "relu backward: you kept dout where dout > 0",
                "The gate is the layer's input: dout passes where x > 0.",
            )
        if np.allclose(dx_, (x > 0).astype(float)):
            return report(
                False,
                "relu backward: you returned the 0/1 mask alone",
                "Multiply the mask (x > 0) by dout: the chain rule.",
            )
        if np.allclose(dx_, dout * (x >= 0)):
            return report(
                False,
                "relu backward: your dx passes dout where x == 0; at x == 0 exactly, this "
                "course takes the gradient as 0 — use x > 0, not x >= 0",
                "At x == 0 ReLU has a kink (no single slope): any slope from 0 to 1 would do, "
                "and this course, like PyTorch, takes 0.",
            )
    return check_array(
        dx, expected, "relu backward", hint="dx = dout * (x > 0): dout passes where x > 0."
    )


def check_most_confused(pair, y_true, y_pred) -> bool:
    """Exercise (05): pair = (true class, predicted class) of the most frequent mistake."""
    from .inspect_cnn import confusion_matrix, most_confused_pairs

    cm = confusion_matrix(y_true, y_pred)
    largest = most_confused_pairs(cm, k=1)[0][2]
    hint = "Set the diagonal to 0 (np.fill_diagonal), then np.unravel_index(cm.argmax(), cm.shape)."
    if pair is ...:
        return report(
            False,
            "your answer is still `...`: you have not written it yet — replace the `...` "
            "with a pair (true class, predicted class)",
            hint,
        )
    try:
        t, p = (int(v) for v in pair)
    except Exception:  # not a pair of numbers, whatever it is
        return report(False, f"expected a pair (true, predicted), got {pair!r:.60}", hint)
    if not (0 <= t < cm.shape[0] and 0 <= p < cm.shape[1]):
        return report(False, f"({t}, {p}) is not a pair of classes 0-9", hint)
    if t == p:
        return report(False, f"({t}, {p}) is on the diagonal: those are right answers", hint)
    if cm[t, p] == largest:
        return report(True, f"({t}, {p}): {largest} digits of class {t} were read as {p}")
    if cm[p, t] == largest:
        return report(False, f"({t}, {p}) is the right pair in the wrong order", "Rows are true.")
    times = "once" if cm[t, p] == 1 else f"{cm[t, p]} times"
    return report(False, f"({t}, {p}) happened {times}; one pair happened more often", hint)


def check_global_avg_pool(fn) -> bool:
    """Exercise (06): fn(x (N, C, H, W)) -> (N, C), each channel's mean over all positions."""
    from .nn import global_avg_pool_forward

    x = np.random.default_rng(6).standard_normal((2, 3, 5, 4))
    expected = global_avg_pool_forward(x)[0]
    ok, out, problem = call_learner(fn, x.copy())
    if not ok:
        return report(False, f"global average pool: {problem}", "x.mean(axis=(2, 3)).")
    out_ = _as_floats(out, expected.shape)
    if out_ is not None and np.allclose(out_, x.sum(axis=(2, 3))):
        return report(False, "global average pool: you summed", "Divide by H × W: use .mean.")
    hint = "Average over the two position axes H and W: x.mean(axis=(2, 3))."
    return check_array(out, expected, "global average pool", hint=hint)


_PLACEMENTS = ((0, 0), (20, 20), (3, 11), (17, 2))  # (top, left) on a 48x48 canvas


def check_place_digit(fn, image) -> bool:
    """Exercise (06): fn(image (h, w), top, left, size) -> (size, size) canvas, image pasted.

    The canvas is zero except image's pixels, its top-left corner at [top, left].
    """
    from .canvas import place_on_canvas

    image = np.asarray(image)
    for top, left in _PLACEMENTS:
        expected = place_on_canvas(image[None], 48, positions=np.array([[top, left]]))[0][0]
        ok, canvas, problem = call_learner(fn, image.copy(), top, left, 48)
        call = f"place({top=}, {left=}, size=48)"
        if not ok:
            return report(False, f"{call}: {problem}", "Start from np.zeros((size, size)).")
        canvas_ = _as_floats(canvas, expected.shape)
        if canvas_ is not None and top != left:
            swapped = place_on_canvas(image[None], 48, positions=np.array([[left, top]]))[0][0]
            if np.array_equal(canvas_, swapped):
                return report(False, f"{call}: rows and columns swapped", "top picks the rows.")
        problem = _compare(canvas, expected, atol=1e-6)
        if problem is not None:
            hint = "canvas[top:top + h, left:left + w] = image, with h, w = image.shape."
            return report(False, f"{call}: {problem}", hint)
    return report(True, f"place: correct at all {len(_PLACEMENTS)} positions tried")


# (out_h, out_w, in_channels, out_channels, kernel size): layers built for real in the check
_LC_LAYERS = ((28, 28, 1, 32, 3), (14, 14, 8, 16, 3), (5, 7, 3, 4, 5), (1, 1, 2, 1, 1))


def check_locally_connected_params(fn) -> bool:
    """Exercise (06): fn(out_h, out_w, in_channels, out_channels, k) -> a locally connected
    layer's parameter count, compared with the size of a real LocallyConnected2D's
    weights and biases (built with padding k // 2, so its output is out_h x out_w).
    """
    from .local import LocallyConnected2D

    for h, w, c_in, c_out, k in _LC_LAYERS:
        call = f"lc_params({h}, {w}, {c_in}, {c_out}, {k})"
        ok, answer, problem = call_learner(fn, h, w, c_in, c_out, k)
        if not ok:
            return report(False, f"{call}: {problem}", "Start from `return 0` and build up.")
        layer = LocallyConnected2D(c_in, c_out, k, (h, w), padding=k // 2, rng=0)
        expected = sum(p.size for p in layer.params.values())
        if isinstance(answer, bool) or not isinstance(answer, (int, float, np.number)):
            return report(
                False, f"{call} returned {answer!r:.60}, expected a whole number", "Return an int."
            )
        if answer == expected:
            continue
        positions, conv = h * w, c_out * (c_in * k * k + 1)
        hint = (
            "Each of the out_h × out_w positions has its own out_channels kernels, each with "
            "in_channels × k × k weights and one bias."
        )
        if answer == conv:
            hint = (
                "That is a convolution's count, one set of kernels shared by all positions: "
                "here every one of the out_h × out_w positions has its own."
            )
        elif answer == expected - positions * c_out:
            hint = "Almost: every kernel, at every position, also has one bias."
        elif answer == positions * c_out * (k * k + 1):
            hint = "Each kernel looks at every input channel: in_channels × k × k weights."
        return report(False, f"{call} returned {answer}, expected {expected:,}", hint)
    return report(True, f"lc_params: correct for all {len(_LC_LAYERS)} layers tried")


# --- 07: inside the network ----------------------------------------------------

__all__ += ["check_receptive_field", "check_receptive_step"]


def _whole(x) -> int | None:
    """x as an int when it is a whole number (int, numpy int, or a float such as 8.0), else None."""
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return int(x)
    return None


def _pair(answer) -> tuple[int, int] | None:
    """answer as (size, jump) of whole numbers, or None (never raises)."""
    try:
        first, second = answer
    except Exception:  # not a pair, whatever it is
        return None
    a, b = _whole(first), _whole(second)
    return None if a is None or b is None else (a, b)


def _windows(fields) -> list[tuple[int, int]]:
    """(kernel size, stride) of each layer that slides a window (convolutions, pooling)."""
    return [(f.kernel, f.stride) for f in fields if f.kernel is not None]


def _size_mistake(size: int, steps) -> str | None:
    """What a wrong window size suggests, from wrong rules applied to the same layers."""
    no_jump, new_jump, jump = 1, 1, 1
    for k, s in steps:
        no_jump += k - 1
        new_jump += (k - 1) * jump * s
        jump *= s
    if size == no_jump:
        return (
            "Each layer adds (k - 1) × jump pixels, not k - 1: after a pooling, one step "
            "of a kernel moves by the jump of the layer below."
        )
    if size == sum(k for k, _ in steps):
        return (
            "Kernel sizes do not simply add up: a kernel's neighbouring windows overlap, so "
            "each layer widens the window by only (k - 1) × jump pixels."
        )
    if size == new_jump:
        return "Use the jump of the layer *below* (before this layer's stride multiplies it)."
    return None


def check_receptive_field(model, size, jump, *, layer: int | None = None) -> bool:
    """Exercise (07): the window size and jump (in input pixels) of one layer of model, by hand.

    layer: an index into model.layers (default: the last layer with a grid of units).
    Compared with :func:`convhelpers.receptive_field`.
    """
    from .receptive import receptive_field

    try:
        fields = receptive_field(model)
    except (TypeError, ValueError) as err:
        hint = "Pass the network defined above."
        return report(False, f"could not read the network: {err}", hint)
    grid = [f.index for f in fields if f.on_grid and not f.whole_image]
    index = grid[-1] if layer is None or not grid else layer
    if not isinstance(index, (int, np.integer)) or not 0 <= index < len(fields):
        return report(False, f"layer must be 0 to {len(fields) - 1}, got {layer!r}", None)
    field = fields[index]
    what = f"layer {index} ({field.layer})"
    if field.whole_image:
        return report(False, f"{what} sees the whole image: pick a layer with maps", None)
    answer = _pair((size, jump))
    if size is ... or jump is ...:
        unwritten = [name for name, v in (("size", size), ("jump", jump)) if v is ...]
        both = len(unwritten) == 2
        return report(
            False,
            f"{' and '.join(unwritten)} {'are' if both else 'is'} still `...`: you have not "
            f"written {'your answers' if both else 'it'} yet — replace "
            f"{'each' if both else 'the'} `...` with a number of pixels",
            "Work layer by layer from size 1, jump 1 (the input pixel itself).",
        )
    if answer is None:
        return report(
            False,
            f"expected two whole numbers (size, jump), got {size!r:.40} and {jump!r:.40}",
            "Both are whole numbers of pixels, e.g. size = 5 and jump = 1 (no quotes).",
        )
    steps = _windows(fields[: index + 1])
    size, jump = answer
    if (size, jump) == (field.size, field.jump):
        return report(
            True,
            f"{what}: one unit sees {size}×{size} pixels of the input, and the windows of "
            f"neighbouring units are {jump} pixels apart",
        )
    if size != field.size:
        hint = _size_mistake(size, steps) or (
            "Go layer by layer from size 1, jump 1: size += (k - 1) × jump, then jump *= stride."
        )
        return report(False, f"{what}: a window of {size}×{size} is not right", hint)
    return report(
        False,
        f"{what}: the size {size} is right, the jump {jump} is not",
        "The jump multiplies by each layer's stride: 1 for these convolutions, 2 for pooling.",
    )


_STEP_CASES = (  # (size, jump, kernel size, stride) of the layer below and of this layer
    (1, 1, 3, 1),
    (3, 1, 2, 2),
    (4, 2, 3, 1),
    (8, 2, 2, 2),
    (10, 4, 5, 1),
    (5, 2, 1, 1),
    (7, 3, 3, 2),
    (1, 1, 4, 4),
)
_STEP_MISTAKES = (  # wrong rules learners write, with a hint for each
    (
        lambda n, j, k, s: (n + k - 1, j * s),
        "The window grows by (k - 1) steps of the layer below, each `jump` pixels long.",
    ),
    (
        lambda n, j, k, s: (n + (k - 1) * j * s, j * s),
        "Grow the size with the jump of the layer below, before multiplying it by the stride.",
    ),
    (
        lambda n, j, k, s: (n + (k - 1) * j, j),
        "The jump changes too: multiply it by the layer's stride.",
    ),
    (
        lambda n, j, k, s: (n + (k - 1) * j, j + s),
        "Strides multiply the jump (two poolings: 2 × 2 = 4), they do not add.",
    ),
    (
        lambda n, j, k, s: (j * s, n + (k - 1) * j),
        "Return the pair in the order (size, jump).",
    ),
)


def check_receptive_step(fn) -> bool:
    """Exercise (07): fn(size, jump, kernel_size, stride) -> (size, jump) of the next layer.

    Tried on 8 layers, then applied layer by layer to small_cnn and compared with
    :func:`convhelpers.receptive_field`.
    """
    from .models import small_cnn
    from .receptive import receptive_field

    for n, j, k, s in _STEP_CASES:
        call = f"({n}, {j}, kernel_size={k}, stride={s})"
        expected = (n + (k - 1) * j, j * s)
        ok, out, problem = call_learner(fn, n, j, k, s, time_limit=2.0)
        if not ok:
            return report(False, f"calling it with {call}: {problem}", "Return (size, jump).")
        answer = _pair(out)
        if answer is None:
            return report(
                False,
                f"for {call} it returned {out!r:.60}, expected two whole numbers (size, jump)",
                "End with `return size, jump`.",
            )
        if answer != expected:
            hint = next(
                (h for rule, h in _STEP_MISTAKES if rule(n, j, k, s) == answer),
                "size + (kernel_size - 1) × jump, and jump × stride.",
            )
            return report(False, f"for {call} it gave {answer}, expected {expected}", hint)
    fields = [f for f in receptive_field(small_cnn(seed=0)) if f.on_grid]
    size, jump = 1, 1
    for k, s in _windows(fields):
        ok, out, problem = call_learner(fn, size, jump, k, s, time_limit=2.0)
        if not ok or _pair(out) is None:
            problem = problem or f"it returned {out!r:.60}, expected two whole numbers"
            return report(False, f"applied to small_cnn: {problem}", "Return (size, jump).")
        size, jump = _pair(out)
    last = fields[-1]
    return report(
        (size, jump) == (last.size, last.jump),
        f"your rule is right for all {len(_STEP_CASES)} layers; applied to small_cnn layer by "
        f"layer it gives {size}×{size} pixels, jump {jump} (receptive_field: "
        f"{last.size}×{last.size}, jump {last.jump})",
    )


# --- 04b: learning a kernel ----------------------------------------------------

__all__ += ["check_gradient_descent", "check_kernel_gradient"]


def _kernel_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(images (N, H, W), targets (N, Ho, Wo), kernel (kh, kw)) from real digits, float64:
    a 3x3 and a 2x4 kernel, so that neither the shape nor the flip can be guessed."""
    from .conv import KERNELS, conv2d

    digits = _sample_digits(3).astype(np.float64) / 255  # (3, 28, 28), values 0-1
    rng = np.random.default_rng(4)
    cases = []
    for rows, cols, hidden in [
        (slice(4, 20), slice(6, 22), KERNELS["sobel y"]),  # (3, 16, 16) images
        (slice(6, 18), slice(4, 24), rng.normal(size=(2, 4)).round(1)),  # (3, 12, 20)
    ]:
        images = digits[:, rows, cols]
        targets = np.stack([conv2d(x, hidden) for x in images])
        cases.append((images, targets, rng.normal(size=hidden.shape).round(2)))
    return cases


def _matches(value, candidate) -> bool:
    """True if the learner's value has candidate's shape and values (never raises)."""
    try:
        value = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return value.shape == candidate.shape and np.allclose(value, candidate, rtol=1e-6, atol=1e-9)


def check_kernel_gradient(fn) -> bool:
    """Exercise (04b): fn(images (N, H, W), targets (N, Ho, Wo), kernel (kh, kw)) -> the
    gradient (kh, kw) of the mean squared error of conv2d(images[n], kernel) against targets.

    Compared with :func:`convhelpers.kernel_gradient`.
    """
    from .learn_kernel import kernel_gradient

    def mistake(value, images, targets, kernel):
        expected = kernel_gradient(images, targets, kernel)[1]
        found = _array_mistake(value, expected, atol=1e-9)
        if found is None:
            return None
        m, n = targets.size, len(images)
        wrong_ones = [
            (-expected, "The residual is output minus target: conv2d(image, kernel) - target."),
            (expected / 2, "The slope of r² is 2r: keep the 2 in 2/M."),
            (expected * m / 2, "The loss is a mean: divide the sum by M = targets.size."),
            (expected * m, "The loss is a mean: divide the sum by M = targets.size."),
            (
                expected * m / n,
                "Divide by M = targets.size, every output value of every image, "
                "not by the number of images.",
            ),
            (
                expected[::-1, ::-1],
                "Slide the residual over the image with no flip: conv2d's default.",
            ),
        ]
        hint = next((h for wrong, h in wrong_ones if _matches(value, wrong)), None)
        if hint is None and np.shape(value) != expected.shape:
            hint = (
                "The gradient has one number per kernel entry: conv2d(image (H, W), residual "
                "(Ho, Wo)) has the kernel's shape (H - Ho + 1, W - Wo + 1)."
            )
        return found[0], hint

    return _run_cases(
        fn,
        "my_gradient",
        _kernel_cases(),
        mistake,
        "residual = conv2d(image, kernel) - target for each image; the gradient is 2/M times "
        "the sum over the images of conv2d(image, residual).",
        in_place="Compute new arrays; leave images, targets and kernel as they are.",
    )


def check_gradient_descent(fn) -> bool:
    """Exercise (04b): fn(images (N, H, W), targets (N, Ho, Wo), lr, num_steps) -> the kernel
    (kh, kw) after num_steps steps of gradient descent from zeros.

    Compared with :func:`convhelpers.kernel_descent`.
    """
    from .learn_kernel import kernel_descent, kernel_gradient

    def uphill(images, targets, lr, num_steps):  # the same loop, stepping with the gradient
        kernel = np.zeros(np.subtract(images.shape[1:], targets.shape[1:]) + 1)
        for _ in range(num_steps):
            kernel = kernel + lr * kernel_gradient(images, targets, kernel)[1]
        return kernel

    def mistake(value, images, targets, lr, num_steps):
        kernels = kernel_descent(images, targets, lr=lr, num_steps=num_steps + 1)[0]
        found = _array_mistake(value, kernels[num_steps], atol=1e-9)
        if found is None:
            return None
        if any(_matches(value, kernels[k]) for k in (num_steps - 1, num_steps + 1)):
            hint = "Take exactly num_steps steps: `for step in range(num_steps):`."
        elif _matches(value, kernels[0]):
            hint = (
                "The kernel never changed: assign the step back, kernel = kernel - lr * gradient."
            )
        elif _matches(value, uphill(images, targets, lr, num_steps)):
            hint = "The gradient points uphill: step against it, kernel = kernel - lr * gradient."
        elif isinstance(value, tuple):
            hint = "Return only the kernel (kh, kw)."
        else:
            hint = None
        return found[0], hint

    (a, ta, _), (b, tb, _) = _kernel_cases()
    return _run_cases(
        fn,
        "my_descent",
        [(a, ta, 0.5, 6), (b, tb, 0.3, 4)],
        mistake,
        "Start from np.zeros of the kernel's shape; num_steps times, compute the gradient and "
        "set kernel = kernel - lr * gradient; return the kernel.",
        in_place="Leave images and targets as they are: only the kernel changes.",
    )
