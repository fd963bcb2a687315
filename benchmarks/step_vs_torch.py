"""One training step of small_cnn in convhelpers (numpy) and in PyTorch, interleaved.

    .venv/bin/python benchmarks/step_vs_torch.py [--steps 300]

A step is forward, softmax cross-entropy, backward and a momentum-SGD update
on a batch of 64 digits: ``convhelpers.train_step``, exactly as ``fit`` runs
it, with ``fit``'s BLAS thread setting. PyTorch runs the same network (built
layer by layer from the numpy model, with the same weights) on 2 threads (the
target) and on 1 (a comparison that a busy machine distorts less).
The two alternate in blocks of 20 steps, so a busy machine slows both alike;
the medians are compared. Numpy is timed with 1 and with 2 BLAS threads.

PyTorch is only needed for this benchmark, never by the course: if it is
missing the script says so and exits 0 (``pip install torch==2.13.0`` for a CPU
build). Last line: ``numpy_ms=<f> torch_ms=<f> ratio=<f>``.
"""

import argparse
import os
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

import convhelpers as ch
from convhelpers import models, nn

BATCH = 64
BLOCK = 20


def torch_copy(model, torch):
    """The same network in PyTorch, with the numpy model's weights."""
    tnn = torch.nn
    layers = []
    for layer in model.layers:
        if isinstance(layer, models.Conv2D):
            f, c, k, _ = layer.params["w"].shape
            conv = tnn.Conv2d(c, f, k, stride=layer.stride, padding=layer.padding)
            conv.weight.data = torch.from_numpy(layer.params["w"].copy())
            conv.bias.data = torch.from_numpy(layer.params["b"].copy())
            layers.append(conv)
        elif isinstance(layer, models.Dense):
            d, m = layer.params["w"].shape
            dense = tnn.Linear(d, m)
            dense.weight.data = torch.from_numpy(layer.params["w"].T.copy())
            dense.bias.data = torch.from_numpy(layer.params["b"].copy())
            layers.append(dense)
        elif isinstance(layer, models.MaxPool2D):
            layers.append(tnn.MaxPool2d(2))
        elif isinstance(layer, models.ReLU):
            layers.append(tnn.ReLU())
        elif isinstance(layer, models.Flatten):
            layers.append(tnn.Flatten())
        elif isinstance(layer, models.GlobalAvgPool):
            layers.extend([tnn.AdaptiveAvgPool2d(1), tnn.Flatten()])
        else:
            raise TypeError(f"no PyTorch equivalent for {layer!r}")
    return tnn.Sequential(*layers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="timed steps per variant")
    steps = parser.parse_args().steps
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed; it is only needed for this benchmark.")
        print("Install a CPU build with `.venv/bin/pip install torch==2.13.0` to compare. Skipped.")
        sys.exit(0)
    torch.set_num_threads(2)

    X, y = ch.load_digits()
    xb = ch.to_float(X[:BATCH])[:, None]  # (64, 1, 28, 28) float32
    yb = y[:BATCH]
    model = ch.small_cnn(seed=0)
    net = torch_copy(model, torch)
    txb, tyb = torch.from_numpy(xb), torch.from_numpy(yb)

    # Same weights, same loss: the two really are the same network.
    loss_np, _ = ch.softmax_cross_entropy(model.forward(xb), yb)
    with torch.no_grad():
        loss_torch = float(torch.nn.functional.cross_entropy(net(txb), tyb))
    print(f"{model!r}\n{model.num_params():,} parameters; batch {BATCH}")
    print(f"initial loss: numpy {loss_np:.6f}, torch {loss_torch:.6f}")
    assert abs(loss_np - loss_torch) < 1e-4

    opt_np = ch.SGD(lr=0.01, momentum=0.9)
    opt_torch = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

    def torch_step():
        opt_torch.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(txb), tyb)
        loss.backward()
        opt_torch.step()

    def numpy_step(threads):
        with threadpool_limits(limits=threads, user_api="blas"):
            ch.train_step(model, opt_np, xb, yb)

    def torch_step_on(threads):
        torch.set_num_threads(threads)
        torch_step()

    variants = {
        "numpy, 1 BLAS thread": lambda: numpy_step(1),
        "numpy, 2 BLAS threads": lambda: numpy_step(2),
        "torch, 1 thread": lambda: torch_step_on(1),
        "torch, 2 threads": lambda: torch_step_on(2),
    }
    # Blocks of BLOCK steps in turn: a thread pool that has just finished keeps
    # spinning for a moment, so each block's first step is not counted.
    times = {name: [] for name in variants}
    for _ in range(max(1, steps // BLOCK)):
        for name, run in variants.items():
            for k in range(BLOCK + 1):
                start = time.perf_counter()
                run()
                if k > 0:
                    times[name].append(time.perf_counter() - start)
    medians = {name: 1e3 * float(np.median(t)) for name, t in times.items()}
    torch_ms = medians["torch, 2 threads"]
    counted = len(times["torch, 2 threads"])
    print(f"median of {counted} steps each, in alternating blocks of {BLOCK}:")
    for name, ms in medians.items():
        print(f"  {name:<24} {ms:7.2f} ms   {ms / torch_ms:5.2f} x torch")
    fits = "numpy, 1 BLAS thread" if nn.BLAS_THREADS == 1 else "numpy, 2 BLAS threads"
    numpy_ms = medians[fits]
    print(f"fit uses {nn.BLAS_THREADS} BLAS thread(s); load average {os.getloadavg()}")
    print(f"numpy_ms={numpy_ms:.3f} torch_ms={torch_ms:.3f} ratio={numpy_ms / torch_ms:.3f}")


if __name__ == "__main__":
    main()
