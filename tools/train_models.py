"""Train the course's shipped models and write data/models/ (used by `make models`).

    .venv/bin/python tools/train_models.py [--jobs 2] [NAME ...]

Trains every model of ``convhelpers.pretrained.PRETRAINED`` with its recipe (or
only the NAMEs given; "learning_curve" names the 12 learning-curve runs), writes
data/models/NAME.npz with ``save_params`` and data/models/manifest.json with each
file's sha256, recipe, architecture, training time, accuracy on the 1,000
validation digits after every epoch, and accuracy on the 2,000 test digits,
measured once at the end. The models learn from the 7,000 fit digits of
``validation_split``; nothing is chosen from the test digits. With NAMEs, the
manifest's other entries are kept; without, the manifest is written anew and the
.npz files of models no longer in PRETRAINED are removed. Training is deterministic on one
machine: the same code gives the same bytes. Other CPUs or BLAS builds round
differently, so their files (and sha256s) differ while the accuracies agree
within a few tenths of a point.

--jobs N trains N models at a time, each in its own process (one BLAS thread each).
Last lines: "sha256  file" for every file in data/models/, as sha256sum prints them.
"""

import argparse
import importlib
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

import convhelpers

pt = importlib.import_module("convhelpers.pretrained")  # the module (ch.pretrained is its function)

CURVE = "learning_curve"
ROOT = Path(__file__).resolve().parents[1]


def train_one(name: str, models_dir: Path) -> dict:
    """Train, save and describe one model (runs in a worker process)."""
    start = time.perf_counter()
    model, history = pt.train_pretrained(name, validate=True)
    seconds = time.perf_counter() - start
    digest = pt.save_params(model, models_dir / f"{name}.npz")
    return pt.manifest_entry(name, model, history, seconds, digest)


def curve_point(model: str, n: int) -> tuple[int, float, float]:
    """One learning-curve run: (steps, test accuracy, seconds)."""
    start = time.perf_counter()
    steps, acc = pt.learning_curve_point(model, n)
    return steps, acc, time.perf_counter() - start


def git(*args: str) -> str:
    """Output of a git command in the repository ('' if git is not there)."""
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return out.stdout.strip()


def machine(jobs: int) -> dict:
    """Where the files were made: commit, versions, CPU and models trained at a time (jobs)."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        cpu = names[0].split(":", 1)[1].strip() if names else cpu
    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted changes in convhelpers/": bool(git("status", "--porcelain", "convhelpers")),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "convhelpers": convhelpers.__version__,
        "cpu": cpu,
        "cores": os.cpu_count(),
        "jobs": jobs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"models to train (default: all and {CURVE})")
    parser.add_argument("--jobs", type=int, default=1, help="models trained at a time")
    parser.add_argument("--out", type=Path, default=pt.MODELS_DIR)
    args = parser.parse_args()
    names = args.names or [*pt.PRETRAINED, CURVE]
    unknown = sorted(set(names) - {*pt.PRETRAINED, CURVE})
    if unknown:
        sys.exit(f"unknown names {unknown}; choose from {[*pt.PRETRAINED, CURVE]}")
    args.out.mkdir(parents=True, exist_ok=True)
    content = {"models": {}}
    if args.names:  # only some: keep the manifest's other entries
        try:
            content = pt.read_manifest(args.out)
        except FileNotFoundError:
            pass
    else:  # everything: files of models no longer in PRETRAINED go
        for path in sorted(args.out.glob("*.npz")):
            if path.stem not in pt.PRETRAINED:
                print(f"removing {path.name}: no such model in PRETRAINED", flush=True)
                path.unlink()
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        jobs = {name: pool.submit(train_one, name, args.out) for name in names if name != CURVE}
        points = {}
        if CURVE in names:
            for model in pt.CURVE_MODELS:
                for n in pt.LEARNING_CURVE_SIZES:
                    points[model, n] = pool.submit(curve_point, model, n)
        for name, job in jobs.items():
            entry = job.result()
            content["models"][name] = entry
            acc = entry.get("test_accuracy")
            shown = f"test accuracy {acc:.4f}" if acc is not None else "canvas model       "
            print(
                f"{name:<20} validation {entry['val_acc'][-1]:.3f} (last epoch), {shown}, "
                f"{entry['parameters']:>9,} parameters, "
                f"{entry['train_seconds']:6.1f} s, sha256 {entry['sha256'][:16]}...",
                flush=True,
            )
        if points:
            curve = {"sizes": list(pt.LEARNING_CURVE_SIZES), "steps": []}
            seconds = {}
            for model in pt.CURVE_MODELS:
                results = [points[model, n].result() for n in pt.LEARNING_CURVE_SIZES]
                curve["steps"] = [steps for steps, _, _ in results]
                curve[model] = [acc for _, acc, _ in results]
                seconds[model] = [round(t, 1) for _, _, t in results]
                print(
                    f"learning curve {model}: "
                    + ", ".join(
                        f"{n:,}: {acc:.4f} ({t:.0f} s)"
                        for n, (_, acc, t) in zip(pt.LEARNING_CURVE_SIZES, results, strict=True)
                    ),
                    flush=True,
                )
            content["learning_curve"] = curve
            content["learning_curve_seconds"] = seconds
    content["about"] = "Written by tools/train_models.py (make models); see data/README.md."
    content["made_with"] = machine(max(1, args.jobs))
    content["models"] = {name: content["models"][name] for name in sorted(content["models"])}
    pt.write_manifest(content, args.out)
    print(f"trained {len(names)} item(s) in {time.perf_counter() - start:.0f} s wall")
    for path in sorted(args.out.glob("*")):
        print(f"{pt.file_sha256(path)}  {path.relative_to(args.out.parent.parent)}")


if __name__ == "__main__":
    main()
