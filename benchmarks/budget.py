"""Time and memory budgets: every notebook, run top to bottom in a fresh kernel.

    .venv/bin/python benchmarks/budget.py [--mode both|all|one] [notebooks/NN_name.ipynb ...]

For each notebook (default: all of notebooks/*.ipynb) prints the wall time from kernel
start to the last cell's reply, as a student's "Restart Kernel and Run All Cells" takes,
and the kernel's peak resident memory (VmHWM of the kernel process, from /proc).

Two modes: "all" lets the kernel use every core of this machine; "one" pins the kernel
to a single CPU, as `taskset -c 0` does (a mybinder.org pod has at most one CPU). The
default, "both", runs all notebooks in each mode and prints both tables.
Targets on one CPU: each notebook <= 45 s, the whole course <= 120 s, each kernel
<= 450 MB (mybinder.org guarantees 450 MB). The machine's load average is printed too,
because other work on the same cores slows every notebook down.

Last line (the one-CPU figures when that mode ran):
mode=<m> max_seconds=<f> total_seconds=<f> max_kernel_mb=<f>
"""

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
MAX_SECONDS, MAX_TOTAL_SECONDS, MAX_KERNEL_MB = 45.0, 120.0, 450.0

__all__ = ["Run", "kernel_peak_mb", "pin_to_one_cpu", "run_notebook"]


def kernel_peak_mb(pid: int) -> float:
    """Peak resident memory of process pid so far (VmHWM), in MB (10**6 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6  # the line reads 'VmHWM:  123456 kB'
    raise RuntimeError(f"no VmHWM in /proc/{pid}/status")


def pin_to_one_cpu(pid: int, cpu: int = 0) -> None:
    """Pin every thread of process pid to one CPU, as `taskset -c <cpu> -p` would.

    Threads the process starts later (BLAS pools among them) inherit the pinning, and
    libraries that count CPUs with sched_getaffinity see one.
    """
    for task in Path(f"/proc/{pid}/task").iterdir():
        os.sched_setaffinity(int(task.name), {cpu})


@dataclass
class Run:
    """One notebook run: wall seconds, the kernel's peak memory, the peak after each cell."""

    seconds: float
    peak_mb: float
    peak_after_cell: dict[int, float] = field(default_factory=dict)  # cell index -> MB

    def heaviest_cells(self, n: int = 3) -> list[tuple[int, float]]:
        """The n cells that raised the peak most: [(cell index, MB added), ...]."""
        before, added = 0.0, []
        for index, peak in self.peak_after_cell.items():
            added.append((index, peak - before))
            before = peak
        return sorted(added, key=lambda item: -item[1])[:n]


def run_notebook(nb, timeout: int = 600, *, one_cpu: bool = False) -> Run:
    """Execute nb in place in a fresh python3 kernel in an empty temporary folder.

    one_cpu=True pins the kernel to CPU 0 before its first cell runs. Returns a Run:
    seconds from kernel start to the end, the kernel's peak resident memory and that
    peak after each code cell. Raises nbclient's CellExecutionError if a cell fails.
    """
    run = Run(0.0, 0.0)

    def after_cell(cell, cell_index, **_):
        run.peak_after_cell[cell_index] = kernel_peak_mb(client.km.provisioner.pid)

    with tempfile.TemporaryDirectory() as cwd:  # the notebooks must not depend on the folder
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": cwd}},
            on_cell_executed=after_cell,
            on_notebook_start=(lambda **_: pin_to_one_cpu(client.km.provisioner.pid))
            if one_cpu
            else None,
            # the kernel's start-up warnings (e.g. about unencrypted local TCP) are noise here
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        start = time.perf_counter()
        client.execute()
        run.seconds = time.perf_counter() - start
    run.peak_mb = max(run.peak_after_cell.values(), default=0.0)
    return run


def mark(value: float, limit: float) -> str:
    return "ok" if value <= limit else f"OVER {limit:g}"


def run_all(paths: list[Path], one_cpu: bool) -> tuple[float, float, float]:
    """Run and print every notebook in one mode; returns (max s, total s, max MB)."""
    where = "kernel pinned to one CPU" if one_cpu else f"kernel free on {os.cpu_count()} cores"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{len(paths)} notebooks, each in a fresh kernel; {where}; load {load}")
    print(f"{'notebook':<40} {'seconds':>8}      {'kernel MB':>9}")
    results = []
    for path in paths:
        run = run_notebook(nbformat.read(path, as_version=4), one_cpu=one_cpu)
        results.append(run)
        print(
            f"{path.name:<40} {run.seconds:8.1f} {mark(run.seconds, MAX_SECONDS):<5}"
            f"{run.peak_mb:9.0f} {mark(run.peak_mb, MAX_KERNEL_MB)}",
            flush=True,
        )
        if run.peak_mb > MAX_KERNEL_MB:
            cells = ", ".join(f"cell {i} +{mb:.0f} MB" for i, mb in run.heaviest_cells())
            print(f"{'':<4}the peak grew most in: {cells}")
    total = sum(r.seconds for r in results)
    print(f"{'whole course':<40} {total:8.1f} {mark(total, MAX_TOTAL_SECONDS)}\n", flush=True)
    return max(r.seconds for r in results), total, max(r.peak_mb for r in results)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["both", "all", "one"], default="both")
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    modes = {"both": [False, True], "all": [False], "one": [True]}[args.mode]
    for one_cpu in modes:
        max_seconds, total, max_mb = run_all(paths, one_cpu)
    mode = "one_cpu" if modes[-1] else "all_cores"
    print(
        f"mode={mode} max_seconds={max_seconds:.1f} total_seconds={total:.1f} "
        f"max_kernel_mb={max_mb:.0f}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
