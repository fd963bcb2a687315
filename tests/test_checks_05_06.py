"""The exercise checks of notebooks 05 and 06: right answers pass, wrong ones fail, none raise."""

import numpy as np
import pytest

from convhelpers import (
    check_conv_params,
    check_global_avg_pool,
    check_locally_connected_params,
    check_most_confused,
    check_place_digit,
    check_relu_backward,
)


def _raises(*args):
    raise RuntimeError("oops")


def _returns_none(*args):
    return None


def _stub(*args): ...  # an untouched exercise: the body is just `...`


UNWRITTEN = "`_stub` is still just `...` — you have not written the function yet"
DOTS = "returned `...` — you have not written the function yet"


class _Unreadable:
    """An answer that raises when read, as a learner's half-written class might."""

    def __iter__(self):
        raise RuntimeError("not ready")


def _starts_with(capsys, mark: str) -> str:
    out = capsys.readouterr().out
    assert out.startswith(mark), out
    return out


# --- check_conv_params ---------------------------------------------------------


def test_conv_params_right(capsys):
    assert check_conv_params(lambda c_in, c_out, k: c_out * (c_in * k * k + 1)) is True
    _starts_with(capsys, "✅")
    assert check_conv_params(lambda c_in, c_out, k: float(c_out * (c_in * k * k + 1))) is True


@pytest.mark.parametrize(
    ("fn", "says"),
    [
        (lambda c_in, c_out, k: c_out * c_in * k * k, "one bias"),
        (lambda c_in, c_out, k: c_out * k * k + c_out, "every input channel"),
        (lambda c_in, c_out, k: c_in * c_out, "expected 160"),
        (_stub, UNWRITTEN),
        (lambda c_in, c_out, k: ..., DOTS),
        (_raises, "raised RuntimeError: oops"),
        (_returns_none, "expected a whole number"),
        (lambda c_in, c_out, k: "160", "expected a whole number"),
        (lambda c_in, c_out, k: True, "expected a whole number"),
        (42, "expected a function"),
    ],
)
def test_conv_params_wrong(capsys, fn, says):
    assert check_conv_params(fn) is False
    out = _starts_with(capsys, "❌")
    assert says in out
    assert "filter" not in out  # the notebooks call them kernels


def test_conv_params_hints_name_the_arguments(capsys):
    assert check_conv_params(lambda c_in, c_out, k: c_in * c_out) is False
    out = _starts_with(capsys, "❌")
    assert "out_channels kernels has in_channels × kernel_size × kernel_size weights" in out


# --- check_relu_backward -------------------------------------------------------


def test_relu_backward_right(capsys):
    assert check_relu_backward(lambda dout, x: dout * (x > 0)) is True
    _starts_with(capsys, "✅")


@pytest.mark.parametrize(
    ("fn", "says"),
    [
        (lambda dout, x: dout * (dout > 0), "where dout > 0"),
        (lambda dout, x: (x > 0).astype(float), "mask alone"),
        (
            lambda dout, x: dout * (x >= 0),
            "at x == 0 exactly, this course takes the gradient as 0 — use x > 0",
        ),
        (lambda dout, x: dout, "values differ"),
        (lambda dout, x: dout[0], "expected shape"),
        (lambda dout, x: [[1, 2], [3]], "expected numbers, got list"),
        (_returns_none, "None"),
        (_raises, "raised RuntimeError"),
        (_stub, UNWRITTEN),
        (lambda *a: ..., DOTS),
    ],
)
def test_relu_backward_wrong(capsys, fn, says):
    assert check_relu_backward(fn) is False
    assert says in _starts_with(capsys, "❌")


def test_relu_backward_tries_exact_zeros_and_names_the_kink(capsys):
    zeros = []

    def right(dout, x):
        zeros.append(int((x == 0).sum()))
        return dout * (x > 0)

    assert check_relu_backward(right) is True
    assert zeros and zeros[0] >= 1  # else x >= 0 could not be told from x > 0
    assert check_relu_backward(lambda dout, x: np.where(x >= 0, dout, 0.0)) is False
    out = _starts_with(capsys, "✅")
    assert "kink" in out and "like PyTorch, takes 0" in out
    assert "flat at 0" not in out


# --- check_most_confused -------------------------------------------------------

Y_TRUE = np.array([4, 4, 4, 9, 9, 7, 7, 1])
Y_PRED = np.array([9, 9, 4, 4, 9, 1, 7, 1])  # 4 -> 9 twice, 9 -> 4 and 7 -> 1 once


def test_most_confused_right(capsys):
    assert check_most_confused((4, 9), Y_TRUE, Y_PRED) is True
    assert "2 digits of class 4 were read as 9" in _starts_with(capsys, "✅")
    assert check_most_confused(np.array([4, 9]), Y_TRUE, Y_PRED) is True


@pytest.mark.parametrize(
    ("pair", "says"),
    [
        ((9, 4), "wrong order"),
        ((7, 1), "happened once; one pair happened more often"),
        (..., "your answer is still `...`: you have not written it yet"),
        ((4, 4), "diagonal"),
        ((4, 12), "not a pair of classes"),
        (None, "expected a pair"),
        ("ab", "expected a pair"),
        ((1, 2, 3), "expected a pair"),
        (_Unreadable(), "expected a pair"),
    ],
)
def test_most_confused_wrong(capsys, pair, says):
    assert check_most_confused(pair, Y_TRUE, Y_PRED) is False
    assert says in _starts_with(capsys, "❌")


def test_most_confused_accepts_any_tied_pair(capsys):
    y_true, y_pred = np.array([1, 2, 3, 3]), np.array([2, 1, 3, 3])
    assert check_most_confused((1, 2), y_true, y_pred) is True
    assert check_most_confused((2, 1), y_true, y_pred) is True


# --- check_global_avg_pool -----------------------------------------------------


def test_global_avg_pool_right(capsys):
    assert check_global_avg_pool(lambda x: x.mean(axis=(2, 3))) is True
    _starts_with(capsys, "✅")


@pytest.mark.parametrize(
    ("fn", "says"),
    [
        (lambda x: x.sum(axis=(2, 3)), "you summed"),
        (lambda x: x.mean(axis=(0, 1)), "expected shape (2, 3)"),
        (lambda x: x.max(axis=(2, 3)), "values differ"),
        (lambda x: x.mean(), "expected shape"),
        (lambda x: [[1, 2], [3]], "expected numbers, got list"),
        (_returns_none, "None"),
        (_raises, "raised RuntimeError"),
        (_stub, UNWRITTEN),
        (lambda *a: ..., DOTS),
    ],
)
def test_global_avg_pool_wrong(capsys, fn, says):
    assert check_global_avg_pool(fn) is False
    assert says in _starts_with(capsys, "❌")


# --- check_place_digit ---------------------------------------------------------

DIGIT = np.arange(1, 28 * 28 + 1).reshape(28, 28) % 255 + 1  # no zero pixel


def _place(image, top, left, size):
    canvas = np.zeros((size, size), dtype=image.dtype)
    canvas[top : top + image.shape[0], left : left + image.shape[1]] = image
    return canvas


def test_place_digit_right(capsys):
    assert check_place_digit(_place, DIGIT) is True
    assert "all 4 positions" in _starts_with(capsys, "✅")


@pytest.mark.parametrize(
    ("fn", "says"),
    [
        (lambda im, top, left, s: _place(im, left, top, s), "swapped"),
        (lambda im, top, left, s: _place(im, top, left, 48)[:47], "expected shape (48, 48)"),
        (lambda im, top, left, s: _place(im, min(top + 1, 20), left, s), "values differ"),
        (lambda im, top, left, s: np.zeros((s, s)), "values differ"),
        (lambda im, top, left, s: [[1, 2], [3]], "expected numbers, got list"),
        (_returns_none, "None"),
        (_raises, "raised RuntimeError"),
        (_stub, UNWRITTEN),
        (lambda *a: ..., DOTS),
    ],
)
def test_place_digit_wrong(capsys, fn, says):
    assert check_place_digit(fn, DIGIT) is False
    assert says in _starts_with(capsys, "❌")


# --- check_locally_connected_params ------------------------------------------------


def _lc_params(h, w, c_in, c_out, k):
    return h * w * c_out * (c_in * k * k + 1)


def test_locally_connected_params_right(capsys):
    assert check_locally_connected_params(_lc_params) is True
    assert "all 4 layers" in _starts_with(capsys, "✅")
    assert check_locally_connected_params(lambda *a: np.int64(_lc_params(*a))) is True


@pytest.mark.parametrize(
    ("fn", "says"),
    [
        (lambda h, w, c_in, c_out, k: c_out * (c_in * k * k + 1), "a convolution's count"),
        (lambda h, w, c_in, c_out, k: h * w * c_out * c_in * k * k, "one bias"),
        (lambda h, w, c_in, c_out, k: h * w * c_out * (k * k + 1), "every input channel"),
        (lambda h, w, c_in, c_out, k: h * w * c_in * k * k, "expected 250,880"),
        (_stub, UNWRITTEN),
        (lambda *a: ..., DOTS),
        (lambda *a: str(_lc_params(*a)), "expected a whole number"),
        (lambda *a: True, "expected a whole number"),
        (_returns_none, "expected a whole number"),
        (_raises, "raised RuntimeError: oops"),
        ("lc_params", "expected a function"),
    ],
)
def test_locally_connected_params_wrong(capsys, fn, says):
    assert check_locally_connected_params(fn) is False
    out = _starts_with(capsys, "❌")
    assert says in out
    assert "filter" not in out  # the notebooks call them kernels
