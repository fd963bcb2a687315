"""The exercise checks of notebook 07: right answers pass, wrong ones fail, none raise."""

import numpy as np
import pytest

from convhelpers import (
    Conv2D,
    MaxPool2D,
    ReLU,
    Sequential,
    check_receptive_field,
    check_receptive_step,
    small_cnn,
)


def by_hand_net() -> Sequential:
    """conv 3x3 → pool → conv 3x3 → pool → conv 5x5: a unit of the last layer sees 26x26, jump 4."""
    return Sequential(
        Conv2D(1, 4, 3, padding=1, rng=0),
        ReLU(),
        MaxPool2D(),
        Conv2D(4, 8, 3, padding=1, rng=1),
        ReLU(),
        MaxPool2D(),
        Conv2D(8, 8, 5, padding=2, rng=2),
        ReLU(),
    )


def _says(capsys, mark: str) -> str:
    out = capsys.readouterr().out
    assert out.startswith(mark), out
    return out


# --- check_receptive_field -------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "jump"), [(26, 4), (np.int64(26), np.int32(4)), (26.0, 4.0)], ids=str
)
def test_receptive_field_right(capsys, size, jump):
    assert check_receptive_field(by_hand_net(), size, jump) is True
    out = _says(capsys, "✅")
    assert "26×26 pixels" in out and "4 pixels apart" in out and "layer 7" in out


def test_receptive_field_right_for_a_chosen_layer(capsys):
    assert check_receptive_field(small_cnn(seed=0), 8, 2, layer=3) is True
    _says(capsys, "✅")
    assert check_receptive_field(small_cnn(seed=0), 10, 4, layer=3) is False
    _says(capsys, "❌")


@pytest.mark.parametrize(
    ("size", "jump", "says"),
    [
        (11, 4, "(k - 1) × jump"),  # each layer adds k - 1
        (15, 4, "widens the window by only (k - 1) × jump"),  # 3 + 2 + 3 + 2 + 5
        (29, 4, "layer *below*"),  # the new jump used to grow the size
        (20, 4, "Go layer by layer"),
        (26, 1, "the jump 1 is not"),
        (26, 6, "multiplies by each layer's stride"),
        ("26", 4, "(no quotes)"),
        (..., ..., "size and jump are still `...`: you have not written your answers yet"),
        (26, ..., "jump is still `...`: you have not written it yet"),
        (..., 4, "size is still `...`: you have not written it yet"),
        (None, 4, "two whole numbers"),
        (26.5, 4, "two whole numbers"),
        (True, 4, "two whole numbers"),
        ([26], 4, "two whole numbers"),
    ],
)
def test_receptive_field_wrong(capsys, size, jump, says):
    assert check_receptive_field(by_hand_net(), size, jump) is False
    out = _says(capsys, "❌")
    assert says in out
    assert "Ellipsis" not in out and "Replace the ..." not in out


@pytest.mark.parametrize(
    ("model", "layer", "says"),
    [
        (small_cnn(seed=0), 7, "sees the whole image"),
        (small_cnn(seed=0), 99, "layer must be 0 to 9"),
        (small_cnn(seed=0), "3", "layer must be 0 to 9"),
        (42, None, "could not read the network"),
    ],
)
def test_receptive_field_bad_setup(capsys, model, layer, says):
    assert check_receptive_field(model, 8, 2, layer=layer) is False
    assert says in _says(capsys, "❌")


# --- check_receptive_step --------------------------------------------------------


@pytest.mark.parametrize(
    "fn",
    [
        lambda size, jump, k, s: (size + (k - 1) * jump, jump * s),
        lambda size, jump, k, s: [size + (k - 1) * jump, jump * s],
        lambda size, jump, k, s: np.array([size + (k - 1) * jump, jump * s]),
        lambda size, jump, k, s: (float(size + (k - 1) * jump), float(jump * s)),
    ],
    ids=["tuple", "list", "array", "floats"],
)
def test_receptive_step_right(capsys, fn):
    assert check_receptive_step(fn) is True
    out = _says(capsys, "✅")
    assert "10×10 pixels, jump 4" in out  # small_cnn's last pooling layer


def _raises(*args):
    raise RuntimeError("oops")


def _stub(size, jump, kernel_size, stride): ...  # an untouched exercise


@pytest.mark.parametrize(
    ("fn", "says"),
    [
        (lambda n, j, k, s: (n + k - 1, j * s), "each `jump` pixels long"),
        (lambda n, j, k, s: (n + (k - 1) * j * s, j * s), "before multiplying"),
        (lambda n, j, k, s: (n + (k - 1) * j, j), "multiply it by the layer's stride"),
        (lambda n, j, k, s: (n + (k - 1) * j, j + s), "do not add"),
        (lambda n, j, k, s: (j * s, n + (k - 1) * j), "order (size, jump)"),
        (lambda n, j, k, s: (n * k, j * s), "gave (6, 2), expected (4, 2)"),
        (lambda n, j, k, s: n + (k - 1) * j, "expected two whole numbers"),
        (lambda n, j, k, s: None, "expected two whole numbers"),
        (lambda n, j, k, s: (n + (k - 1) * j + 0.5, j * s), "expected two whole numbers"),
        (lambda n, j, k: (n, j), "raised TypeError"),
        (_raises, "raised RuntimeError: oops"),
        (_stub, "`_stub` is still just `...` — you have not written the function yet"),
        (lambda n, j, k, s: ..., "returned `...` — you have not written the function yet"),
        (42, "expected a function"),
    ],
)
def test_receptive_step_wrong(capsys, fn, says):
    assert check_receptive_step(fn) is False
    assert says in _says(capsys, "❌")


def test_receptive_step_that_fails_only_on_small_cnn(capsys):
    """Right on every tried case, then wrong when chained through small_cnn: still a ❌."""
    calls = []

    def sneaky(n, j, k, s):
        calls.append(1)
        if len(calls) > 8:  # the 8 tried cases are done
            raise ValueError("tired")
        return n + (k - 1) * j, j * s

    assert check_receptive_step(sneaky) is False
    assert "applied to small_cnn" in _says(capsys, "❌")


def test_receptive_step_that_returns_nonsense_on_small_cnn(capsys):
    calls = []

    def odd(n, j, k, s):
        calls.append(1)
        return None if len(calls) > 8 else (n + (k - 1) * j, j * s)

    assert check_receptive_step(odd) is False
    assert "applied to small_cnn: it returned None, expected two whole numbers" in _says(
        capsys, "❌"
    )
