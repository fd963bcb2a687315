"""Exercise checks of notebooks 01-03: right answers pass, wrong ones fail with a useful hint.

Whatever the learner's function does (raise, return None, the wrong shape or
dtype, change its input) the check prints ❌ and returns False; it never raises.
"""

import numpy as np
import pytest

import convhelpers as ch
from convhelpers import (
    check_brighten,
    check_brightest_pixel,
    check_class_score,
    check_cosine_similarity,
    check_invert,
    check_shift_down,
    check_unshuffle,
)


def _raises(*args):
    raise RuntimeError("oops")


def _returns_none(*args):
    return None


def _stub(*args): ...  # an unfinished exercise: the body is just `...`


def _returns_text(*args):
    return "a string"


BROKEN = [_raises, _returns_none, _stub, _returns_text, 42, None]


CHECKS = [
    (check_brightest_pixel, ()),
    (check_invert, ()),
    (check_brighten, ()),
    (check_unshuffle, ()),
    (check_cosine_similarity, ()),
    (check_shift_down, ()),
    (check_class_score, ("model",)),
]  # every 01-03 check, with what it needs besides fn


@pytest.fixture(scope="module")
def model():
    X, y = ch.load_digits()
    return ch.train_linear(X[:1000], y[:1000], num_epochs=2)


def _run(check, fn, capsys, *extra):
    result = check(fn, *extra)
    return result, capsys.readouterr().out


def _fails(check, fn, capsys, *extra, words=()):
    result, out = _run(check, fn, capsys, *extra)
    assert result is False and "❌" in out and "✅" not in out
    for w in words:
        assert w in out, out
    return out


def _passes(check, fn, capsys, *extra):
    result, out = _run(check, fn, capsys, *extra)
    assert result is True and "✅" in out and "❌" not in out, out


@pytest.mark.parametrize(("check", "extra"), CHECKS)
@pytest.mark.parametrize("broken", BROKEN, ids=lambda f: getattr(f, "__name__", repr(f)))
def test_broken_functions_fail_without_raising(check, extra, broken, capsys, request):
    extra = tuple(request.getfixturevalue(e) for e in extra)
    out = _fails(check, broken, capsys, *extra)
    assert "Hint" in out


# --- 01 -------------------------------------------------------------------------


def test_brightest_pixel(capsys):
    _passes(check_brightest_pixel, lambda im: np.unravel_index(np.argmax(im), im.shape), capsys)
    _passes(check_brightest_pixel, lambda im: tuple(np.argwhere(im == im.max())[-1]), capsys)
    _fails(check_brightest_pixel, np.argmax, capsys, words=["one number", "unravel_index"])
    _fails(
        check_brightest_pixel,
        lambda im: np.unravel_index(np.argmax(im), im.shape)[::-1],
        capsys,
        words=["row and column swapped"],
    )
    _fails(check_brightest_pixel, lambda im: (0, 0), capsys, words=["the brightest holds 200"])
    _fails(check_brightest_pixel, lambda im: (99, 0), capsys, words=["outside the image"])


def test_invert(capsys):
    _passes(check_invert, lambda im: 255 - im, capsys)
    _passes(check_invert, np.invert, capsys)  # ~x is 255 - x for uint8
    _fails(check_invert, lambda im: -im, capsys, words=["wraps around"])
    _fails(check_invert, lambda im: 1 - im, capsys, words=["not 0 to 1"])
    _fails(check_invert, lambda im: 255.0 - im, capsys, words=["dtype is float64", "uint8"])
    _fails(check_invert, lambda im: im, capsys, words=["differ"])

    def in_place(im):
        im[:] = 255 - im
        return im

    _fails(check_invert, in_place, capsys, words=["changed its input"])


def test_brighten(capsys):
    _passes(
        check_brighten,
        lambda im, a: np.clip(im.astype(int) + a, 0, 255).astype(np.uint8),
        capsys,
    )
    _fails(
        check_brighten,
        lambda im, a: (im.astype(int) + a).astype(np.uint8),
        capsys,
        words=["wrapped around", "np.clip"],
    )
    _fails(
        check_brighten,
        lambda im, a: np.clip(im.astype(int) + a, 0, 255),
        capsys,
        words=["dtype is int64"],
    )


# --- 02 -------------------------------------------------------------------------


def test_unshuffle(capsys):
    _passes(check_unshuffle, lambda s, p: ch.permute_pixels(s, np.argsort(p)), capsys)

    def by_hand(s, p):
        flat = np.zeros(s.size, dtype=s.dtype)
        flat[p] = s.ravel()
        return flat.reshape(s.shape)

    _passes(check_unshuffle, by_hand, capsys)
    _fails(check_unshuffle, ch.permute_pixels, capsys, words=["shuffled a second time", "argsort"])
    _fails(
        check_unshuffle,
        lambda s, p: s.ravel()[np.argsort(p)],
        capsys,
        words=["shape is (20,)", "reshape"],
    )
    _fails(check_unshuffle, lambda s, p: s, capsys, words=["differ"])


def test_class_score(model, capsys):
    def right(m, image, c):
        return float(np.sum(ch.to_float(image) * m.reference_vectors()[c]) + m.b[c])

    def no_bias(m, image, c):
        return float(np.sum(ch.to_float(image) * m.reference_vectors()[c]))

    def raw_pixels(m, image, c):
        return float(np.sum(image * m.reference_vectors()[c]) + m.b[c])

    _passes(check_class_score, right, capsys, model)
    _passes(check_class_score, lambda m, image, c: m.scores(image)[c], capsys, model)
    _fails(check_class_score, no_bias, capsys, model, words=["missing the bias"])
    _fails(check_class_score, raw_pixels, capsys, model, words=["0-255", "to_float"])
    _fails(check_class_score, lambda m, image, c: m.scores(image), capsys, model)


# --- 03 -------------------------------------------------------------------------


def test_cosine_similarity(capsys):
    def right(a, b):
        a, b = a.astype(float).ravel(), b.astype(float).ravel()
        return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))

    def overflowing(a, b):
        return (a.ravel() @ b.ravel()) / (np.linalg.norm(a) * np.linalg.norm(b))

    def no_norms(a, b):
        return float(a.astype(float).ravel() @ b.astype(float).ravel())

    _passes(check_cosine_similarity, right, capsys)
    _fails(check_cosine_similarity, overflowing, capsys, words=["overflowed", "astype(float)"])
    _fails(check_cosine_similarity, no_norms, capsys, words=["expected 1"])


def test_shift_down(capsys):
    def right(image, k):
        out = np.zeros_like(image)
        out[k:] = image[: image.shape[0] - k]
        return out

    def breaks_at_zero(image, k):
        out = np.zeros_like(image)
        out[k:] = image[:-k]
        return out

    _passes(check_shift_down, right, capsys)
    _passes(check_shift_down, lambda image, k: ch.shift(image, dy=k), capsys)
    _fails(check_shift_down, lambda im, k: np.roll(im, k, axis=0), capsys, words=["np.roll"])
    _fails(check_shift_down, lambda im, k: ch.shift(im, dy=-k), capsys, words=["moved up"])
    _fails(check_shift_down, lambda im, k: ch.shift(im, dx=k), capsys, words=["moved right"])
    _fails(check_shift_down, breaks_at_zero, capsys, words=["ValueError", "out[k:] = image[:-k]"])


# --- messages a learner could misread ------------------------------------------------


@pytest.mark.parametrize(("check", "extra"), CHECKS, ids=lambda c: getattr(c, "__name__", ""))
def test_an_untouched_stub_is_called_unwritten(check, extra, capsys, request):
    extra = tuple(request.getfixturevalue(e) for e in extra)
    out = _fails(check, _stub, capsys, *extra)
    assert "`_stub` is still just `...` — you have not written the function yet" in out
    out = _fails(check, lambda *args: ..., capsys, *extra)
    assert "returned `...` — you have not written the function yet" in out
    assert "Ellipsis" not in out


def _writes_into(index, answer):
    """A function that returns answer(*args) but first scribbles on its argument `index`."""

    def fn(*args):
        value = answer(*(np.copy(a) if isinstance(a, np.ndarray) else a for a in args))
        args[index][...] = 0
        return value

    return fn


def _right_cosine(a, b):
    a, b = a.astype(float).ravel(), b.astype(float).ravel()
    return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))


@pytest.mark.parametrize(
    ("check", "fn", "where", "hint"),
    [
        (
            check_shift_down,
            _writes_into(0, lambda im, k: ch.shift(im, dy=k)),
            "(argument 1 of 2, shape (6, 5))",
            "out = np.zeros_like(image), then out[k:] = image[:image.shape[0] - k]",
        ),
        (
            check_brighten,
            _writes_into(0, lambda im, a: ch.adjust(im, brightness=a)),
            "(argument 1 of 2, shape (2, 9))",
            "np.clip(image.astype(int) + amount, 0, 255).astype(np.uint8)",
        ),
        (
            check_unshuffle,
            _writes_into(0, lambda s, p: ch.permute_pixels(s, np.argsort(p))),
            "(argument 1 of 2, shape (4, 5))",
            "shuffled.ravel()[np.argsort(perm)].reshape(shuffled.shape)",
        ),
        (
            check_invert,
            _writes_into(0, lambda im: 255 - im),
            "(shape (2, 3))",
            "out = 255 - image",
        ),
        (
            check_brightest_pixel,
            _writes_into(0, lambda im: np.unravel_index(np.argmax(im), im.shape)),
            "(shape (7, 9))",
            "np.argmax(image) finds the brightest pixel",
        ),
        (
            check_cosine_similarity,
            _writes_into(1, _right_cosine),
            "(argument 2 of 2, shape (28, 28))",
            "a = a.astype(float)",
        ),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_changing_the_input_gets_this_exercises_hint(check, fn, where, hint, capsys):
    out = _fails(check, fn, capsys, words=["changed its input array " + where, hint])
    if check is not check_invert:
        assert "255 - image" not in out  # the invert exercise's answer fits only there


def test_cosine_hint_works_on_2d_images_and_matrix_products_are_named(capsys):
    def matrix_product(a, b):
        return np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))  # (28, 28)

    def no_sum(a, b):
        return a.astype(float) * b / (np.linalg.norm(a) * np.linalg.norm(b))

    def as_the_hint_says(a, b):
        a, b = a.astype(float), b.astype(float)  # still (28, 28)
        return np.sum(a * b) / (np.linalg.norm(a) * np.linalg.norm(b))

    out = _fails(check_cosine_similarity, matrix_product, capsys, words=["matrix product"])
    assert "(28, 28) array" in out and "np.dot(a.ravel(), b.ravel())" in out
    out = _fails(check_cosine_similarity, no_sum, capsys, words=["the cosine is one number"])
    assert "matrix product" not in out
    _passes(check_cosine_similarity, as_the_hint_says, capsys)
    out = _fails(check_cosine_similarity, lambda a, b: 0.5, capsys)
    assert "np.sum(a * b) / (np.linalg.norm(a) * np.linalg.norm(b))" in out
    assert "np.dot(a, b)" not in out  # a matrix product on (28, 28) images


def test_brighten_hint_adds_in_a_wider_type(capsys):
    out = _fails(check_brighten, lambda im, a: im, capsys)
    assert "wider type (image.astype(int))" in out


def test_an_array_where_one_number_is_expected_is_named(model, capsys):
    out = _fails(check_class_score, lambda m, image, c: m.scores(image), capsys, model)
    assert "you returned the scores of all 10 classes" in out and "[c]" in out
    out = _fails(check_cosine_similarity, lambda a, b: np.zeros(3), capsys)
    assert "expected one number, got an array of shape (3,)" in out
