"""Exercise checks of notebook 07 (inside the network): receptive fields by hand.

The learner works out a layer's window size and jump (check_receptive_field), then
writes the one-layer rule (check_receptive_step); both are compared with
receptive.receptive_field, and a wrong size is matched to the wrong rule behind it.
"""

import numpy as np

from .checks import call_learner, report

__all__ = ["check_receptive_field", "check_receptive_step"]


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
