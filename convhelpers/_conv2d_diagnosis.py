"""What is wrong with a learner's conv2d output: the diagnosis behind check_conv2d.

conv2d_mistake(out, image, kernel) compares ``out`` with conv2d(image, kernel)
and names the likely mistake (wrong shape, dtype, flipped or transposed kernel,
a loop that stops early, a window off by one) with a hint; checks_conv.py prints it.
"""

import numpy as np

from .conv import conv2d

_CONV_HINT_CELL = "Check one cell by hand: out[i, j] = np.sum(image[i:i+kh, j:j+kw] * kernel)."


def _shape_mistake(out, image, kernel, expected):
    """(problem, hint) for an output of the wrong shape."""
    (h, w), (kh, kw), shape = image.shape, kernel.shape, expected.shape
    sizes = f"expected ({h} - {kh} + 1, {w} - {kw} + 1) = {shape}"
    fits = "A kh x kw kernel fits at H - kh + 1 rows and W - kw + 1 columns of positions."
    if out.shape == image.shape:
        same = conv2d(image, kernel, padding=kh // 2) if kh == kw and kh % 2 else None
        how = " (a zero-padded 'same' output)" if same is not None and _close(out, same) else ""
        return f"output shape {out.shape} is the image's shape{how}, {sizes}", (
            "Without padding the kernel cannot be centred on the edge pixels. " + fits
        )
    if out.shape == shape[::-1]:
        return (
            f"output shape {out.shape} has rows and columns swapped, {sizes}",
            "Rows come from image.shape[0] and kernel.shape[0]; columns from shape[1].",
        )
    if all(abs(a - b) <= 1 for a, b in zip(out.shape, shape, strict=True)):
        return (
            f"output shape {out.shape} is one off, {sizes}",
            fits + " Loop over range(H - kh + 1).",
        )
    return f"output shape {out.shape}, {sizes}", fits


def _close(a, b) -> bool:
    return a.shape == b.shape and np.allclose(a, b, atol=1e-6)


def _unfilled_edge(out, expected) -> str | None:
    """'row' or 'column' if out is right except a last row/column left at zero."""
    if _close(out[:-1], expected[:-1]) and not out[-1].any():
        return "row"
    if _close(out[:, :-1], expected[:, :-1]) and not out[:, -1].any():
        return "column"
    return None


def _shifted_by(out, expected) -> tuple[int, int] | None:
    """(dy, dx) if out[i, j] == expected[i + dy, j + dx] wherever both exist."""
    h, w = expected.shape
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if (dy, dx) == (0, 0):
                continue
            mine = out[max(0, -dy) : h - max(0, dy), max(0, -dx) : w - max(0, dx)]
            theirs = expected[max(0, dy) : h + min(0, dy), max(0, dx) : w + min(0, dx)]
            if mine.size and _close(mine, theirs):
                return dy, dx
    return None


def _value_mistake(out, image, kernel, expected):
    """(problem, hint) for an output of the right shape with wrong values."""
    if np.issubdtype(out.dtype, np.integer) or out.dtype == bool:
        return (
            f"your output array has dtype {out.dtype}, so fractions and negative values "
            "were cut off or wrapped around",
            "Make the output with np.zeros((out_h, out_w)) (float), not np.zeros_like(image).",
        )
    if _close(out, conv2d(image, kernel, flip=True)):
        return (
            "the kernel is flipped (that is true convolution)",
            "Deep learning slides the kernel as it is: image[i + a, j + b] * kernel[a, b].",
        )
    square = kernel.shape[0] == kernel.shape[1]
    if (square and _close(out, conv2d(image, kernel.T))) or _close(out, expected.T):
        return (
            "the output is transposed (rows and columns swapped somewhere)",
            "Index as [row, column] everywhere: image[i + a, j + b] * kernel[a, b].",
        )
    edge = _unfilled_edge(out, expected)
    if edge:
        return (
            f"the last {edge} of the output was never filled in (it is all zeros)",
            "Your loop stops one position early: use range(out_h) with out_h = H - kh + 1.",
        )
    shift = _shifted_by(out, expected)
    if shift:
        return (
            f"the window is off by one: out[i, j] holds the value for position "
            f"(i{shift[0]:+d}, j{shift[1]:+d})",
            "The patch for out[i, j] starts at image[i, j]: image[i:i+kh, j:j+kw].",
        )
    bad = ~np.isclose(out, expected, atol=1e-6)
    i, j = np.argwhere(bad)[0]
    return (
        f"{int(bad.sum())} of {bad.size} values differ, e.g. out[{i}, {j}] = {out[i, j]:.4g} "
        f"but conv2d gives {expected[i, j]:.4g}",
        _CONV_HINT_CELL,
    )


def conv2d_mistake(out, image, kernel):
    """What is wrong with ``out`` as conv2d(image, kernel): (problem, hint), or None if right.

    image: (H, W), kernel: (kh, kw); out is whatever the learner's function returned.
    """
    expected = conv2d(image, kernel)
    if out is None:
        return "your function returned None", "End it with `return out`."
    if not isinstance(out, np.ndarray):
        return (
            f"your function returned a {type(out).__name__}, not a numpy array",
            "Make the output with out = np.zeros((out_h, out_w)), fill it, and return out.",
        )
    real = np.issubdtype(out.dtype, np.number) or out.dtype == bool
    if not real or np.iscomplexobj(out) or out.ndim != 2:
        return (
            f"your function returned a {out.ndim}-D array of dtype {out.dtype}",
            "The output is a 2-D array of numbers, one per kernel position.",
        )
    if out.shape != expected.shape:
        return _shape_mistake(out, image, kernel, expected)
    if _close(out.astype(float), expected):
        return None
    return _value_mistake(out, image, kernel, expected)
