"""Exercise checks of notebooks 05 (training a CNN) and 06 (what convolution buys).

05: a conv layer's parameter count, ReLU's backward pass, the most confused pair.
06: global average pooling, a digit placed on a canvas, a locally connected layer's
parameter count. Expected answers are computed by the course's own code (models, nn,
local, canvas, inspect_cnn), never hard-coded.
"""

import numpy as np

from .checks import call_learner, check_array, compare, report

__all__ = [
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
    except Exception:  # ragged lists, strings, odd objects: compare explains them
        return None
    return arr if arr.shape == shape else None


def _check_counts(fn, name: str, cases, build, hint_for) -> bool:
    """Run a parameter-count exercise: fn(*args) for each args in cases must equal the size
    of the weights and biases of the real layer build(*args); hint_for(answer, expected,
    *args) explains a wrong count."""
    for args in cases:
        call = f"{name}({', '.join(map(str, args))})"
        ok, answer, problem = call_learner(fn, *args)
        if not ok:
            return report(False, f"{call}: {problem}", "Start from `return 0` and build up.")
        expected = sum(p.size for p in build(*args).params.values())
        if isinstance(answer, bool) or not isinstance(answer, (int, float, np.number)):
            return report(
                False, f"{call} returned {answer!r:.60}, expected a whole number", "Return an int."
            )
        if answer != expected:
            hint = hint_for(answer, expected, *args)
            return report(False, f"{call} returned {answer}, expected {expected:,}", hint)
    return report(True, f"{name}: correct for all {len(cases)} layers tried")


def check_conv_params(fn) -> bool:
    """Exercise (05): fn(in_channels, out_channels, kernel_size) -> a conv layer's parameter count.

    Compared with the size of a real Conv2D layer's weights and biases.
    """
    from .models import Conv2D

    def hint_for(answer, expected, c_in, c_out, k):
        if answer == expected - c_out:
            return "Almost: every kernel also has one bias."
        if answer == c_out * k * k + c_out:
            return (
                "Each kernel looks at every input channel: in_channels × kernel_size × "
                "kernel_size weights."
            )
        return (
            "Each of the out_channels kernels has in_channels × kernel_size × kernel_size "
            "weights and one bias."
        )

    def build(c_in, c_out, k):
        return Conv2D(c_in, c_out, k, rng=0)

    return _check_counts(fn, "conv_params", _CONV_LAYERS, build, hint_for)


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
        problem = compare(canvas, expected, atol=1e-6)
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

    def hint_for(answer, expected, h, w, c_in, c_out, k):
        positions, conv = h * w, c_out * (c_in * k * k + 1)
        if answer == conv:
            return (
                "That is a convolution's count, one set of kernels shared by all positions: "
                "here every one of the out_h × out_w positions has its own."
            )
        if answer == expected - positions * c_out:
            return "Almost: every kernel, at every position, also has one bias."
        if answer == positions * c_out * (k * k + 1):
            return "Each kernel looks at every input channel: in_channels × k × k weights."
        return (
            "Each of the out_h × out_w positions has its own out_channels kernels, each with "
            "in_channels × k × k weights and one bias."
        )

    def build(h, w, c_in, c_out, k):
        return LocallyConnected2D(c_in, c_out, k, (h, w), padding=k // 2, rng=0)

    return _check_counts(fn, "lc_params", _LC_LAYERS, build, hint_for)
