"""Train small_cnn with fit's recipe (notebook 05's) and score it once on the test digits.

    flock /tmp/heavy.lock .venv/bin/python benchmarks/train_cnn.py [--seeds 0 1 2]

For each seed: ``fit(small_cnn(seed=s), X_train, y_train, live=False)`` with
fit's defaults (the notebook's recipe, chosen on validation digits by
tools/choose_recipe.py; no picture is drawn) on the 8,000 training digits of
``train_test_split``, then the accuracy on the 2,000 test digits, measured once.
Target, for every seed: >= 0.988 in <= 20 s wall on a 2-core machine. Wall time
depends on what else runs, so CPU time, the load average and the CPU time other
processes took during each run are printed too. Run it under ``taskset -c 0`` to
see the one-CPU time.

Last line: ``min_test_accuracy=<f> max_train_seconds=<f> seeds=<n>``.
"""

import argparse
import inspect
import os
import time

from step_vs_torch import busy_seconds  # the same directory

import convhelpers as ch
from convhelpers import train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    seeds = parser.parse_args().seeds

    X_train, X_test, y_train, y_test = ch.train_test_split(*ch.load_digits())
    recipe = {
        name: p.default
        for name, p in inspect.signature(ch.fit).parameters.items()
        if p.kind is p.KEYWORD_ONLY and name not in ("X_val", "y_val", "live", "plot_every")
    }
    print(f"{len(X_train):,} training and {len(X_test):,} test digits; fit's recipe {recipe}")
    print(f"{ch.small_cnn()!r}: {ch.small_cnn().num_params():,} parameters")
    cpus = train.usable_cpus()
    way = "each batch in two halves on two threads" if cpus > 1 else "whole batches on one thread"
    print(f"usable CPUs: {cpus} ({way}); load average before: {os.getloadavg()}")
    results = []
    for seed in seeds:
        model = ch.small_cnn(seed=seed)
        busy = busy_seconds()
        wall, cpu = time.perf_counter(), time.process_time()
        history = ch.fit(model, X_train, y_train, live=False)
        acc = ch.accuracy(model, X_test, y_test)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        others = "" if busy is None else max(0.0, busy_seconds() - busy - cpu)
        others = "" if others == "" else f"; other processes {others:.1f} s"
        results.append((acc, wall))
        epochs, steps = len(history["loss"]), sum(history["epoch_seconds"])
        print(
            f"seed {seed}: test accuracy {acc:.4f} after {epochs} epochs, {wall:.1f} s wall "
            f"({steps:.1f} s training steps, {wall - steps:.1f} s testing), {cpu:.1f} s CPU"
            f"{others}; final training loss {history['loss'][-1]:.3f}"
        )
    print(f"load average after: {os.getloadavg()}")
    worst_acc, worst_time = min(a for a, _ in results), max(t for _, t in results)
    print(
        f"min_test_accuracy={worst_acc:.4f} max_train_seconds={worst_time:.2f} seeds={len(seeds)}"
    )


if __name__ == "__main__":
    main()
