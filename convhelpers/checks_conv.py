"""Exercise checks of notebooks 04 (sliding-kernel convolution) and 04b (learning a kernel).

04: conv2d by loops and the output-size formula. 04b: the kernel's gradient and
gradient descent. What a wrong conv2d got wrong is diagnosed in _conv2d_diagnosis.py.
"""

import time

import numpy as np

from ._conv2d_diagnosis import conv2d_mistake
from .checks import UNWRITTEN, array_mistake, call_learner, report, run_cases, sample_digits

__all__ = [
    "check_conv2d",
    "check_gradient_descent",
    "check_kernel_gradient",
    "check_output_size",
    "run_learner_conv",
]


# --- 04: sliding-kernel convolution ------------------------------------------

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
        elif UNWRITTEN in problem:
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
        if slow or UNWRITTEN in problem:
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


# --- 04b: learning a kernel ----------------------------------------------------


def _kernel_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(images (N, H, W), targets (N, Ho, Wo), kernel (kh, kw)) from real digits, float64:
    a 3x3 and a 2x4 kernel, so that neither the shape nor the flip can be guessed."""
    from .conv import KERNELS, conv2d

    digits = sample_digits(3).astype(np.float64) / 255  # (3, 28, 28), values 0-1
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
        found = array_mistake(value, expected, atol=1e-9)
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

    return run_cases(
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
        found = array_mistake(value, kernels[num_steps], atol=1e-9)
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
    return run_cases(
        fn,
        "my_descent",
        [(a, ta, 0.5, 6), (b, tb, 0.3, 4)],
        mistake,
        "Start from np.zeros of the kernel's shape; num_steps times, compute the gradient and "
        "set kernel = kernel - lr * gradient; return the kernel.",
        in_place="Leave images and targets as they are: only the kernel changes.",
    )
