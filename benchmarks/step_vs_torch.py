"""One training step of small_cnn in convhelpers (numpy) and in PyTorch, interleaved.

    flock /tmp/heavy.lock .venv/bin/python benchmarks/step_vs_torch.py [--steps 300]

A step is forward, softmax cross-entropy, backward and a momentum-SGD update
on a batch of 64 digits: ``convhelpers.train_step``, exactly as ``fit`` runs
it (with two usable CPUs: each half of the batch on its own thread, one BLAS
thread each). Also timed: the whole batch on one thread (``cores=1``, the
path with one CPU) and the whole batch with 2 BLAS threads (the alternative
the course does not use). PyTorch runs the same network (built layer by layer
from the numpy model, with the same weights) on 2 threads (the target) and on
1. The variants alternate in blocks of 20 steps, so a busy machine slows all
alike; the medians are compared. The CPU time that other processes used during
the run is printed: figures taken while it is large are not worth much.

PyTorch is only needed for this benchmark, never by the course: if it is
missing the numpy figures are printed alone (``pip install torch==2.13.0`` for
a CPU build). Target: ratio <= 1.0. Last line: ``numpy_ms=<f> torch_ms=<f>
ratio=<f>`` (torch_ms and ratio are ``nan`` without PyTorch).
"""

import argparse
import os
import time

import numpy as np
from threadpoolctl import threadpool_limits

import convhelpers as ch
from convhelpers import models, train

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


def busy_seconds() -> float | None:
    """CPU seconds all processes have used since boot (Linux /proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:9]]
    except OSError:
        return None
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="timed steps per variant")
    steps = parser.parse_args().steps
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed; it is only needed for the comparison.")
        print("Install a CPU build with `.venv/bin/pip install torch==2.13.0` to compare.")

    X, y = ch.load_digits()
    xb = ch.to_float(X[:BATCH])[:, None]  # (64, 1, 28, 28) float32
    yb = y[:BATCH]
    model = ch.small_cnn(seed=0)
    print(f"{model!r}\n{model.num_params():,} parameters; batch {BATCH}")
    opt_np = ch.SGD(lr=0.01, momentum=0.9)

    def numpy_2_blas_threads():  # the whole batch, the matrix products on 2 BLAS threads
        with threadpool_limits(limits=2, user_api="blas"):
            scores = model.forward(xb)
            _, dscores = ch.softmax_cross_entropy(scores, yb)
            model.backward(dscores)
            opt_np.step(model)

    variants = {
        "numpy, as fit runs it": lambda: ch.train_step(model, opt_np, xb, yb),
        "numpy, whole batch (1 CPU)": lambda: ch.train_step(model, opt_np, xb, yb, cores=1),
        "numpy, 2 BLAS threads": numpy_2_blas_threads,
    }
    if torch is not None:
        net = torch_copy(model, torch)
        txb, tyb = torch.from_numpy(xb), torch.from_numpy(yb)
        # Same weights, same loss: the two really are the same network.
        loss_np, _ = ch.softmax_cross_entropy(model.forward(xb), yb)
        with torch.no_grad():
            loss_torch = float(torch.nn.functional.cross_entropy(net(txb), tyb))
        print(f"initial loss: numpy {loss_np:.6f}, torch {loss_torch:.6f}")
        assert abs(loss_np - loss_torch) < 1e-4
        opt_torch = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

        def torch_step(threads):
            torch.set_num_threads(threads)
            opt_torch.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(txb), tyb)
            loss.backward()
            opt_torch.step()

        variants["torch, 1 thread"] = lambda: torch_step(1)
        variants["torch, 2 threads"] = lambda: torch_step(2)

    # Blocks of BLOCK steps in turn: a thread pool that has just finished keeps
    # spinning for a moment, so each block's first step is not counted.
    times = {name: [] for name in variants}
    busy, cpu, wall = busy_seconds(), time.process_time(), time.perf_counter()
    for _ in range(max(1, steps // BLOCK)):
        for name, run in variants.items():
            for k in range(BLOCK + 1):
                start = time.perf_counter()
                run()
                if k > 0:
                    times[name].append(time.perf_counter() - start)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    medians = {name: 1e3 * float(np.median(t)) for name, t in times.items()}
    numpy_ms = medians["numpy, as fit runs it"]
    torch_ms = medians.get("torch, 2 threads", float("nan"))
    reference = "torch, 2 threads" if torch is not None else "numpy, as fit runs it"
    print(f"median of {len(times[reference])} steps each, in alternating blocks of {BLOCK}:")
    for name, ms in medians.items():
        print(f"  {name:<28} {ms:7.2f} ms   {ms / medians[reference]:5.2f} x {reference}")
    cpus = train.usable_cpus()
    print(f"usable CPUs {cpus}; load average {tuple(round(v, 2) for v in os.getloadavg())}")
    if busy is not None:
        others = (busy_seconds() - busy - cpu) / wall
        print(f"other processes used {max(0.0, others):.2f} of the CPUs during the run")
    print(f"numpy_ms={numpy_ms:.3f} torch_ms={torch_ms:.3f} ratio={numpy_ms / torch_ms:.3f}")


if __name__ == "__main__":
    main()
