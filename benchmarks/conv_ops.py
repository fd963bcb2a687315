"""Convolution layer forward and backward: loops, scipy, convhelpers' im2col, PyTorch.

    .venv/bin/python benchmarks/conv_ops.py [--repeats 20]

Batch 256, float32, 3x3 kernels, no padding, two layers like a small CNN's:
1→8 channels on 28x28 images and 8→16 channels on 13x13 maps. Backward means
both dx and dw (and db). Implementations:

- naive: ``conv_forward_naive``/``conv_backward_naive`` (four nested Python
  loops); timed on 4 images and multiplied by 64, because all 256 take minutes;
- scipy: ``scipy.signal.correlate2d``/``convolve2d`` per (image, filter, channel);
- fast: ``conv_forward``/``conv_backward`` (im2col + one matrix product, col2im by
  kernel offsets), with fit's BLAS thread setting and its malloc setting (freed
  memory kept for reuse, as train_step asks glibc to);
- torch: ``torch.nn.functional.conv2d`` and autograd, 2 threads (if installed).

Fast and torch alternate in the same loop; medians are compared. Ratios are
time / torch (or / fast when torch is missing). Last line:
``fwd_1to8=<x> bwd_1to8=<x> fwd_8to16=<x> bwd_8to16=<x>`` (fast / torch).
"""

import argparse
import time

import numpy as np
from scipy import signal

from convhelpers import nn, train

BATCH = 256
NAIVE_IMAGES = 4
CASES = {"1to8": (1, 8, 28), "8to16": (8, 16, 13)}  # in channels, out channels, size


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def scipy_forward(x, w, b):
    n, f = x.shape[0], w.shape[0]
    out = np.empty((n, f, x.shape[2] - w.shape[2] + 1, x.shape[3] - w.shape[3] + 1), x.dtype)
    for i in range(n):
        for j in range(f):
            out[i, j] = b[j] + sum(
                signal.correlate2d(x[i, c], w[j, c], mode="valid") for c in range(x.shape[1])
            )
    return out


def scipy_backward(dout, x, w):
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    for i in range(x.shape[0]):
        for j in range(w.shape[0]):
            for c in range(x.shape[1]):
                dx[i, c] += signal.convolve2d(dout[i, j], w[j, c], mode="full")
                dw[j, c] += signal.correlate2d(x[i, c], dout[i, j], mode="valid")
    return dx, dw, dout.sum(axis=(0, 2, 3))


def torch_functions(torch):
    torch.set_num_threads(2)
    functional = torch.nn.functional

    def forward(x, w, b):
        with torch.no_grad():
            return functional.conv2d(x, w, b)

    def backward(x, w, b, dout):
        x.grad = w.grad = b.grad = None
        functional.conv2d(x, w, b).backward(dout)
        return x.grad, w.grad, b.grad

    return forward, backward


def run_case(name, case, repeats, torch):
    c, f, size = case
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, c, size, size), dtype=np.float32)
    w = rng.standard_normal((f, c, 3, 3), dtype=np.float32)
    b = rng.standard_normal(f, dtype=np.float32)
    out, cache = nn.conv_forward(x, w, b)
    dout = rng.standard_normal(out.shape, dtype=np.float32)
    ms = {}

    # The slow ones, once each (they are checked against the fast one too).
    part = slice(0, NAIVE_IMAGES)
    start = time.perf_counter()
    naive_out, naive_cache = nn.conv_forward_naive(x[part], w, b)
    ms["naive", "fwd"] = 1e3 * (time.perf_counter() - start) * BATCH / NAIVE_IMAGES
    start = time.perf_counter()
    nn.conv_backward_naive(dout[part], naive_cache)
    ms["naive", "bwd"] = 1e3 * (time.perf_counter() - start) * BATCH / NAIVE_IMAGES
    np.testing.assert_allclose(naive_out, out[part], rtol=1e-4, atol=1e-4)
    ms["scipy", "fwd"] = median_ms(lambda: scipy_forward(x, w, b), 1)
    ms["scipy", "bwd"] = median_ms(lambda: scipy_backward(dout, x, w), 1)
    np.testing.assert_allclose(
        scipy_backward(dout, x, w)[1], nn.conv_backward(dout, cache)[1], rtol=1e-3, atol=1e-2
    )

    # Fast and torch, alternating.
    variants = {
        ("fast", "fwd"): lambda: nn.conv_forward(x, w, b),
        ("fast", "bwd"): lambda: nn.conv_backward(dout, cache),
    }
    if torch is not None:
        forward, backward = torch_functions(torch)
        tx, tw, tb = (torch.from_numpy(a).requires_grad_() for a in (x, w, b))
        tdout = torch.from_numpy(dout)
        variants["torch", "fwd"] = lambda: forward(tx, tw, tb)
        variants["torch", "bwd"] = lambda: backward(tx, tw, tb, tdout)
        np.testing.assert_allclose(forward(tx, tw, tb).numpy(), out, rtol=1e-4, atol=1e-4)
    for fn in variants.values():  # warm-up
        fn()
    times = {key: [] for key in variants}
    with nn.blas_threads():
        for _ in range(repeats):
            for key, fn in variants.items():
                start = time.perf_counter()
                fn()
                times[key].append(time.perf_counter() - start)
    ms.update({key: 1e3 * float(np.median(t)) for key, t in times.items()})

    reference = "torch" if torch is not None else "fast"
    print(f"\n{name}: x {x.shape}, w {w.shape} -> out {out.shape}; ratio = time / {reference}")
    print(f"{'':8}{'forward ms':>12}{'ratio':>9}{'backward ms':>14}{'ratio':>9}")
    for impl in ("naive", "scipy", "fast", "torch"):
        if (impl, "fwd") not in ms:
            continue
        fwd, bwd = ms[impl, "fwd"], ms[impl, "bwd"]
        rf, rb = fwd / ms[reference, "fwd"], bwd / ms[reference, "bwd"]
        print(f"{impl:8}{fwd:12.2f}{rf:9.2f}{bwd:14.2f}{rb:9.2f}")
    return ms["fast", "fwd"] / ms[reference, "fwd"], ms["fast", "bwd"] / ms[reference, "bwd"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    repeats = parser.parse_args().repeats
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed (only this benchmark uses it): ratios are against fast.")
    kept = train.keep_freed_memory()  # as the first train_step does
    print(f"fast uses {nn.BLAS_THREADS} BLAS thread(s), as fit does; freed memory kept: {kept}")
    ratios = {name: run_case(name, case, repeats, torch) for name, case in CASES.items()}
    print(" ".join(f"fwd_{n}={r[0]:.2f} bwd_{n}={r[1]:.2f}" for n, r in ratios.items()))


if __name__ == "__main__":
    main()
