"""Stored notebooks: clean outputs, a kernelspec, and the course's structure.

nbval runs them; this file checks what git holds: no images or errors in stored
outputs, outputs only on checked cells (with the execution count nbval needs),
and the parts every notebook promises learners.
"""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
COURSE = [
    "00_start_here",
    "01_pixels_as_grids",
    "02_permutation",
    "03_translation_sensitivity",
    "04_sliding_kernel_convolution",
    "04b_learning_a_kernel",
    "05_training_a_small_cnn",
    "06_what_convolution_buys",
    "07_inside_the_network",
]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def is_checked(cell) -> bool:
    tags = cell.get("metadata", {}).get("tags", [])
    return "NBVAL_CHECK_OUTPUT" in source(cell) or "nbval-check-output" in tags


def test_course_notebooks_are_all_there():
    assert [p.stem for p in NOTEBOOKS] == COURSE


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_are_clean(path):
    nb = load(path)
    assert nb["nbformat"] == 4
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb["metadata"], "stored widget state: run `make execute`"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"cell {i} stores an error"
            kinds = set(out.get("data", {}))
            assert not any(k.startswith("image/") for k in kinds), f"cell {i} stores an image"
            assert kinds <= {"text/plain"}, f"cell {i} stores {kinds - {'text/plain'}}"
        if cell["outputs"]:
            assert is_checked(cell), f"cell {i} stores outputs but is not a checked cell"
            assert cell["execution_count"] is not None, f"checked cell {i} needs its count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_the_course_structure(path):
    nb = load(path)
    markdown = [source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]
    code = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "code")
    top = markdown[0].lower()
    assert "learning goals" in top or "you will" in top, "learning goals at the top"
    assert re.search(r"\d+\s*min", top), "time in minutes at the top"
    assert "import convhelpers" in code
    assert "sys.path" not in code and "../data" not in code, "no path tricks: use convhelpers"
    assert "summary" in "\n".join(markdown).lower()
    checks = set(re.findall(r"\bch\.(check_\w+)\(", code))
    assert len(checks) >= 2, f"at least two checked exercises, found {sorted(checks)}"
    assert "<details>" in "\n".join(markdown), "solutions in collapsible <details> blocks"
    assert any(is_checked(c) for c in nb["cells"] if c["cell_type"] == "code")
    for text in markdown:  # links to other notebooks point at files that exist
        for target in re.findall(r"\]\(([^)#]+\.ipynb)", text):
            assert (path.parent / target).exists(), f"broken link to {target}"


# Calls whose results come out of training (or measure a trained model). A checked cell is
# compared character for character on every machine, so it must not print them; it prints a
# wide-margin fact about a number an unchecked cell computed (CONTRIBUTING.md, "Checked cells
# are portable").
TRAINED = re.compile(
    r"\b(fit|train_linear|learn_kernel|permutation_experiment|compare_on_permuted|accuracy"
    r"|accuracy_vs_shift)\("
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_checked_cells_do_not_compute_trained_numbers(path):
    for i, cell in enumerate(load(path)["cells"]):
        if cell["cell_type"] == "code" and is_checked(cell):
            found = TRAINED.search(source(cell))
            assert not found, (
                f"checked cell {i} calls {found.group(1)}(): print its numbers in an unchecked "
                "cell and check a wide-margin fact about them instead"
            )
