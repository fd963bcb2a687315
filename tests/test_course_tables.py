"""The course's three tables of notebooks (README, notebook 00, the teacher guide) agree
with the notebooks: every notebook is listed once, with the minutes its top cell states."""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))


def stated_minutes(path: Path) -> int:
    top = nbformat.read(path, as_version=4).cells[0].source
    found = re.search(r"\*\*Time:\*\* about (\d+) minutes", top)
    assert found, f"{path.name}: no '**Time:** about N minutes' in the first cell"
    return int(found.group(1))


def minutes_column(text: str) -> dict[str, int]:
    """{"04b": 40, ...} from a Markdown table whose rows start with the notebook number."""
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"0\d[a-z]?", cells[0]):
            numbers = [cell for cell in cells[1:] if re.fullmatch(r"\d+", cell)]
            assert len(numbers) == 1, f"row {cells[0]}: one minutes cell expected, got {numbers}"
            assert cells[0] not in rows, f"notebook {cells[0]} listed twice"
            rows[cells[0]] = int(numbers[0])
    return rows


def notebook_00_text() -> str:
    nb = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


TABLES = {
    "README.md": lambda: (ROOT / "README.md").read_text(),
    "notebook 00": notebook_00_text,
    "docs/teaching.md": lambda: (ROOT / "docs" / "teaching.md").read_text().split("\n## ")[1],
}


@pytest.mark.parametrize("where", TABLES)
def test_every_notebook_is_listed_with_the_minutes_it_states(where):
    expected = {path.name.split("_")[0]: stated_minutes(path) for path in NOTEBOOKS}
    assert minutes_column(TABLES[where]()) == expected


def test_the_teacher_guide_states_the_total():
    total = sum(stated_minutes(path) for path in NOTEBOOKS)
    text = (ROOT / "docs" / "teaching.md").read_text()
    hours, minutes = divmod(total, 60)
    assert f"about {hours} h {minutes} min in all" in text, total
