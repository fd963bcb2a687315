"""check_conv2d and check_output_size: right answers pass, each mistake gets its diagnosis."""

import re

import numpy as np
import pytest

import convhelpers as ch


def loops(image, kernel):
    """A correct from-scratch answer, as a learner would write it."""
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out


def stub(image, kernel): ...  # an untouched exercise


def forgets_return(image, kernel):
    out = loops(image, kernel)  # noqa: F841 -- the learner forgot `return out`


def flipped(image, kernel):
    return loops(image, kernel[::-1, ::-1])


def int_output(image, kernel):
    out = np.zeros_like(image)[: image.shape[0] - 2, : image.shape[1] - 2]
    out[:] = loops(image, kernel)  # stored into uint8: fractions and negatives are lost
    return out


def stops_early(image, kernel):
    out = loops(image, kernel)
    out[-1, :] = 0  # as if the loop ran over range(H - kh)
    return out


def stops_early_in_columns(image, kernel):
    out = loops(image, kernel)
    out[:, -1] = 0
    return out


def raises(image, kernel):
    return image[0:3] * kernel  # ValueError: shapes do not broadcast


def endless(image, kernel):
    while True:
        pass


def writes_input(image, kernel):
    image[0, 0] = 99
    return loops(image, kernel)


def writes_kernel(image, kernel):
    kernel[1, 1] = 0
    return conv_of_original(image)


def conv_of_original(image):
    from convhelpers.checks_conv import _CONV_KERNEL

    return loops(image, _CONV_KERNEL)


def same_size(image, kernel):
    return loops(np.pad(image.astype(float), 1), kernel)


def one_too_big(image, kernel):
    out = np.zeros((image.shape[0] - 1, image.shape[1] - 1))
    out[:-1, :-1] = loops(image, kernel)
    return out


def swapped_shape(image, kernel):
    return loops(image, kernel).T


def kernel_transposed(image, kernel):
    return loops(image, kernel.T)


def shifted_window(image, kernel):
    return np.roll(loops(image, kernel), 1, axis=1)


def as_list(image, kernel):
    return loops(image, kernel).tolist()


def three_d(image, kernel):
    return loops(image, kernel)[None]


def strings(image, kernel):
    return np.full((image.shape[0] - 2, image.shape[1] - 2), "x")


def noise(image, kernel):
    return np.random.default_rng(0).normal(size=(image.shape[0] - 2, image.shape[1] - 2))


def transposed_twice(image, kernel):  # a correct answer written differently
    return loops(image.T, kernel.T).T


@pytest.mark.parametrize("fn", [loops, transposed_twice, ch.conv2d, ch.conv2d_naive])
def test_right_answers_pass(fn, capsys):
    assert ch.check_conv2d(fn) is True
    out = capsys.readouterr().out
    assert out.count("✅") == 5 and "❌" not in out
    for shape in [(8, 8), (12, 10), (10, 10), (12, 8)]:
        assert f"image {shape}" in out


@pytest.mark.parametrize(
    "fn, diagnosis",
    [
        (forgets_return, "returned None"),
        (flipped, "kernel is flipped"),
        (int_output, "dtype uint8"),
        (stops_early, "last row of the output was never filled"),
        (stops_early_in_columns, "last column of the output was never filled"),
        (raises, "raised ValueError: operands could not be broadcast"),
        (writes_input, "changed its input image in place"),
        (writes_kernel, "changed its input kernel in place"),
        (same_size, "is the image's shape (a zero-padded 'same' output)"),
        (one_too_big, "is one off"),
        (swapped_shape, "has rows and columns swapped"),
        (kernel_transposed, "output is transposed"),
        (shifted_window, "window is off by one"),
        (as_list, "returned a list, not a numpy array"),
        (three_d, "returned a 3-D array"),
        (strings, "dtype <U1"),
        (lambda image, kernel: loops(image, kernel) + 0j, "dtype complex128"),
        (noise, "values differ"),
    ],
)
def test_each_mistake_gets_its_diagnosis(fn, diagnosis, capsys):
    assert ch.check_conv2d(fn) is False
    out = capsys.readouterr().out
    assert diagnosis in out
    assert out.count("❌") == 5  # four images and the summary
    assert "💡 Hint:" in out
    assert "0 of 4 images right" in out


@pytest.mark.parametrize(
    "fn, says",
    [
        (stub, "`stub` is still just `...` — you have not written the function yet"),
        (lambda image, kernel: ..., "returned `...` — you have not written the function yet"),
    ],
)
def test_an_unwritten_function_is_called_unwritten_once(fn, says, capsys):
    assert ch.check_conv2d(fn) is False
    out = capsys.readouterr().out
    assert says in out and "out = np.zeros((H - kh + 1, W - kw + 1))" in out
    assert "the other 3 images were not tried" in out
    assert out.count("❌") == 2 and "0 of 4 images right" in out  # one image, then the summary
    assert "None" not in out and "Ellipsis" not in out


def test_the_learners_error_names_their_line(capsys):
    ch.check_conv2d(raises)
    out = capsys.readouterr().out
    assert "return image[0:3] * kernel" in out  # their code, not ours
    assert not re.search(r"checks\w*\.py|_conv2d_diagnosis|convhelpers", out)  # no file of ours


def test_a_function_right_only_on_square_images_fails_the_others(capsys):
    def square_only(image, kernel):
        return loops(image, kernel) if image.shape[0] == image.shape[1] else None

    assert ch.check_conv2d(square_only) is False
    out = capsys.readouterr().out
    assert "✅ image (8, 8)" in out and "✅ image (10, 10)" in out
    assert "❌ image (12, 10)" in out and "2 of 4 images right" in out


def test_too_slow_is_stopped_and_the_rest_skipped(capsys):
    assert ch.check_conv2d(endless, time_limit=0.2) is False
    out = capsys.readouterr().out
    assert "took longer than 0.2 s" in out
    assert "the other 3 images were not tried" in out


def test_not_a_function(capsys):
    assert ch.check_conv2d(np.zeros((3, 3))) is False
    assert "expected a function" in capsys.readouterr().out


def test_the_same_hint_is_printed_once(capsys):
    ch.check_conv2d(flipped)
    assert capsys.readouterr().out.count("💡 Hint:") == 1


# --- check_output_size ----------------------------------------------------------------


def test_output_size_right_answers_pass(capsys):
    assert ch.check_output_size(lambda n, k, p, s: (n + 2 * p - k) // s + 1) is True
    assert ch.check_output_size(ch.output_size) is False  # keyword-only stride/padding
    assert "raised TypeError" in capsys.readouterr().out


@pytest.mark.parametrize(
    "fn, diagnosis",
    [
        (lambda n, k, p, s: (n + 2 * p - k) // s, "the + 1 is missing"),
        (lambda n, k, p, s: (n + p - k) // s + 1, "padding is counted once"),
        (lambda n, k, p, s: (n - k) // s + 1, "padding is ignored"),
        (lambda n, k, p, s: n + 2 * p - k + 1, "stride is ignored"),
        (lambda n, k, p, s: (n + 2 * p - k) / s + 1, "use // (floor division)"),
        (lambda n, k, p, s: None, "End it with `return` and the size"),
        (stub, "`stub` is still just `...` — you have not written the function yet"),
        (lambda n, k, p, s: 1 / 0, "raised ZeroDivisionError"),
        (lambda n, k, p, s: 7, "Output size = (N + 2p - k) // s + 1"),
        (lambda n, k, p, s: True, "(bool)"),
        ("26", "expected a function"),
    ],
)
def test_output_size_mistakes(fn, diagnosis, capsys):
    assert ch.check_output_size(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("❌") and diagnosis in out
