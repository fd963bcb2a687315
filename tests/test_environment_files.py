"""environment.yml (Binder, conda), pyproject.toml and requirements/lock.txt agree.

conda-forge cannot be reached from CI, so instead of solving environment.yml we check
that it names the same packages as pyproject.toml, at versions pyproject allows, and
that the environment the tests run in matches its minor-level pins.
"""

import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest depends on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
# Test-only tools that have no place on a Binder class environment.
NOT_ON_BINDER = {"playwright", "jupyter-repo2docker"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    reqs += [Requirement(r) for r in project["optional-dependencies"]["test"]]
    return {canonical(r.name): r for r in reqs}


def conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    pins = {}
    for dep in env["dependencies"]:
        assert isinstance(dep, str), "no pip: section — postBuild installs convhelpers"
        name, _, version = dep.partition("=")
        pins[canonical(name)] = version
    return pins


def test_environment_yml_is_binder_ready():
    pins = conda_pins()
    assert re.fullmatch(r"3\.1[0-3]", pins.pop("python")), "pin Python at minor level"
    assert pins.pop("pip") == ""
    for name, version in pins.items():
        assert re.fullmatch(r"\d+\.\d+", version), f"{name} must be pinned at minor level"
    lines = [line.split("#")[0] for line in (ROOT / "environment.yml").read_text().splitlines()]
    assert not any("-e ." in line for line in lines), (
        "an editable install here defeats Binder's cache"
    )
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    post = (ROOT / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post
    assert (ROOT / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def test_same_packages_in_both_files():
    pins = conda_pins()
    pins.pop("python"), pins.pop("pip")
    wanted = set(pyproject_requirements()) - NOT_ON_BINDER
    assert set(pins) == wanted


@pytest.mark.parametrize("name", sorted(set(pyproject_requirements()) - NOT_ON_BINDER))
def test_pins_are_allowed_by_pyproject_and_installed_here(name):
    req = pyproject_requirements()[name]
    pin = conda_pins()[name]
    assert req.specifier.contains(Version(pin + ".0"), prereleases=True) or req.specifier.contains(
        Version(pin + ".99")
    ), f"environment.yml pins {name}={pin}, pyproject says {req.specifier}"
    installed = Version(metadata.version(name))
    assert req.specifier.contains(installed), f"installed {name} {installed} vs {req.specifier}"
    # The lock pins other versions for other Pythons; compare with Binder's only on Binder's Python.
    if f"{sys.version_info.major}.{sys.version_info.minor}" == conda_pins()["python"]:
        tested = f"{installed.major}.{installed.minor}"
        assert tested == pin, f"{name}: tested {installed}, Binder gets {pin}"


def test_lock_pins_every_dependency_for_every_python():
    lock = (ROOT / "requirements" / "lock.txt").read_text()
    pinned = {canonical(m.group(1)) for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==", lock, re.M)}
    assert set(pyproject_requirements()) <= pinned
    installed = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    for line in lock.splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)\s*(?:;\s*(.+))?$", line)
        if not m:
            continue
        if m.group(3) and not Marker(m.group(3)).evaluate():
            continue
        name = canonical(m.group(1))
        if name in installed:
            assert installed[name] == m.group(2), (
                f"{name}: lock says {m.group(2)}, installed {installed[name]}"
            )
