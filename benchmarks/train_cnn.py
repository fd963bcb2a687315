"""Train small_cnn exactly as notebook 05 does and score it on the held-out digits.

    .venv/bin/python benchmarks/train_cnn.py [--seeds 0 1 2]

For each seed: ``fit(small_cnn(seed=s), X_train, y_train, X_val=X_test,
y_val=y_test)`` with fit's defaults (the notebook's recipe; live=False, so no
picture is drawn) on the 8,000 training digits of ``train_test_split``, then
the accuracy on the 2,000 held-out ones. Target: >= 0.985 in <= 20 s wall on a
2-core machine. Wall time depends on what else runs, so CPU time and the load
average are printed too.

Last line (the first seed): ``test_accuracy=<float> train_seconds=<float>``.
"""

import argparse
import os
import time

import convhelpers as ch
from convhelpers import nn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    seeds = parser.parse_args().seeds

    X_train, X_test, y_train, y_test = ch.train_test_split(*ch.load_digits())
    print(f"{len(X_train):,} training and {len(X_test):,} held-out digits")
    print(f"{ch.small_cnn()!r}: {ch.small_cnn().num_params():,} parameters")
    print(f"fit uses {nn.BLAS_THREADS} BLAS thread(s); load average before: {os.getloadavg()}")
    results = []
    for seed in seeds:
        model = ch.small_cnn(seed=seed)
        wall, cpu = time.perf_counter(), time.process_time()
        history = ch.fit(model, X_train, y_train, X_val=X_test, y_val=y_test, live=False)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        acc = ch.accuracy(model, X_test, y_test)
        results.append((acc, wall))
        epochs, steps = len(history["loss"]), sum(history["epoch_seconds"])
        print(
            f"seed {seed}: test accuracy {acc:.4f} after {epochs} epochs, {wall:.1f} s wall "
            f"({steps:.1f} s training steps, {wall - steps:.1f} s validation), {cpu:.1f} s CPU; "
            f"final training loss {history['loss'][-1]:.3f}"
        )
    print(f"load average after: {os.getloadavg()}")
    worst_acc, worst_time = min(a for a, _ in results), max(t for _, t in results)
    print(f"lowest accuracy {worst_acc:.4f}, slowest {worst_time:.1f} s")
    acc, wall = results[0]
    print(f"test_accuracy={acc:.4f} train_seconds={wall:.2f}")


if __name__ == "__main__":
    main()
