"""Time and memory budgets: every notebook, run top to bottom in a fresh kernel.

    .venv/bin/python benchmarks/budget.py [notebooks/NN_name.ipynb ...]

For each notebook (default: all of notebooks/*.ipynb) prints the wall time from kernel
start to the last cell's reply, as a student's "Restart Kernel and Run All Cells" takes,
and the kernel's peak resident memory (VmHWM of the kernel process, from /proc).
Targets: each notebook <= 60 s, the whole course <= 120 s, each kernel <= 450 MB
(mybinder.org guarantees 450 MB). The machine's load average is printed too, because
other work on the same cores slows every notebook down.

Last line: max_seconds=<f> total_seconds=<f> max_kernel_mb=<f>
"""

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
MAX_SECONDS, MAX_TOTAL_SECONDS, MAX_KERNEL_MB = 60.0, 120.0, 450.0

__all__ = ["kernel_peak_mb", "run_notebook"]


def kernel_peak_mb(pid: int) -> float:
    """Peak resident memory of process pid so far (VmHWM), in MB (10**6 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6  # the line reads 'VmHWM:  123456 kB'
    raise RuntimeError(f"no VmHWM in /proc/{pid}/status")


def run_notebook(nb, timeout: int = 600) -> tuple[float, float]:
    """Execute nb in place in a fresh python3 kernel in an empty temporary folder.

    Returns (seconds from kernel start to the end, kernel's peak resident memory in MB).
    Raises nbclient's CellExecutionError if a cell fails.
    """
    peak = 0.0

    def after_cell(**_):
        nonlocal peak
        peak = max(peak, kernel_peak_mb(client.km.provisioner.pid))

    with tempfile.TemporaryDirectory() as cwd:  # the notebooks must not depend on the folder
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": cwd}},
            on_cell_executed=after_cell,
        )
        start = time.perf_counter()
        client.execute()
        return time.perf_counter() - start, peak


def mark(value: float, limit: float) -> str:
    return "ok" if value <= limit else f"OVER {limit:g}"


def main(paths: list[Path]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{len(paths)} notebooks, each in a fresh kernel; {os.cpu_count()} cores, load {load}")
    print(f"{'notebook':<40} {'seconds':>8}      {'kernel MB':>9}")
    results = []
    for path in paths:
        seconds, peak = run_notebook(nbformat.read(path, as_version=4))
        results.append((seconds, peak))
        print(
            f"{path.name:<40} {seconds:8.1f} {mark(seconds, MAX_SECONDS):<5}"
            f"{peak:9.0f} {mark(peak, MAX_KERNEL_MB)}",
            flush=True,
        )
    total = sum(s for s, _ in results)
    max_seconds = max(s for s, _ in results)
    max_mb = max(m for _, m in results)
    print(f"{'whole course':<40} {total:8.1f} {mark(total, MAX_TOTAL_SECONDS)}")
    print(f"max_seconds={max_seconds:.1f} total_seconds={total:.1f} max_kernel_mb={max_mb:.0f}")


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    main(args)
