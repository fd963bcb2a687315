"""Re-run notebooks in fresh kernels and store them clean (used by `make execute`).

Only the text outputs of checked cells (``# NBVAL_CHECK_OUTPUT``) are kept, with
their execution counts, because nbval compares them; every other output is
dropped, so git holds no images and no stale results.

    python tools/execute_notebooks.py notebooks/*.ipynb
"""

import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

CHECK_MARK = "NBVAL_CHECK_OUTPUT"
TEXT_TYPES = ("text/plain",)


def is_checked(cell) -> bool:
    return CHECK_MARK in cell.source or "nbval-check-output" in cell.metadata.get("tags", [])


def keep_text(output):
    """The output with only its text parts, or None if nothing textual is left."""
    if output.output_type == "stream":
        return output
    if output.output_type in ("execute_result", "display_data"):
        data = {k: v for k, v in output.get("data", {}).items() if k in TEXT_TYPES}
        if not data:
            return None
        output["data"] = data
        output["metadata"] = {}
        return output
    return None  # errors are never stored


def strip(nb):
    """Keep checked cells' text outputs; clear everything else in place."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        if is_checked(cell):
            cell.outputs = [o for o in map(keep_text, cell.outputs) if o is not None]
        else:
            cell.outputs = []
            cell.execution_count = None
    return nb


def execute(path: Path, timeout: int = 300) -> None:
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as cwd:  # the notebooks must not depend on the folder
        NotebookClient(
            nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": cwd}}
        ).execute()
    nbformat.write(strip(nb), path)
    print(f"executed and stripped {path}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        execute(Path(arg))
