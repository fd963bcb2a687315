"""benchmarks/budget.py's one-CPU mode: the kernel it starts really runs on one CPU."""

import os
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import budget  # noqa: E402

PROBE = "import os, threading\nprint(len(os.sched_getaffinity(0)), threading.active_count())"


def probe_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(PROBE)]
    return nb


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="this machine has one CPU only")
@pytest.mark.parametrize("one_cpu, expected", [(True, "1"), (False, None)])
def test_one_cpu_mode_pins_the_kernel(one_cpu, expected):
    nb = probe_notebook()
    budget.run_notebook(nb, one_cpu=one_cpu)
    cpus = nb.cells[0].outputs[0]["text"].split()[0]
    assert cpus == (expected or str(len(os.sched_getaffinity(0))))


def test_pin_to_one_cpu_rejects_a_missing_process():
    with pytest.raises(FileNotFoundError):
        budget.pin_to_one_cpu(2**22 + 12345)  # above Linux's largest PID
