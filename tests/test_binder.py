"""What mybinder.org will build, checked offline.

`jupyter-repo2docker --no-build --debug .` needs neither Docker nor network: it picks a
build pack for the repository and prints the Dockerfile it would build. We check that
it is the conda build pack, with the Python pinned in environment.yml, that postBuild
runs, and that the environment is installed before the course files are copied (so a
change to a notebook does not make Binder rebuild the whole environment).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import escapism  # repo2docker's own escaping of file names
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REPO2DOCKER = Path(sys.executable).with_name("jupyter-repo2docker")


def python_pin() -> str:
    """The Python version environment.yml pins, e.g. '3.11'."""
    deps = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    pins = [d.split("=", 1)[1] for d in deps if isinstance(d, str) and d.startswith("python=")]
    assert len(pins) == 1, f"environment.yml must pin python exactly once, found {pins}"
    return pins[0]


@pytest.fixture(scope="module")
def dry_run():
    """(Dockerfile, log) that repo2docker prints for the repository, without building."""
    exe = REPO2DOCKER if REPO2DOCKER.exists() else shutil.which("jupyter-repo2docker")
    if exe is None:
        pytest.skip("jupyter-repo2docker is not installed: pip install -e '.[test]'")
    done = subprocess.run(
        [str(exe), "--no-build", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


def test_binder_uses_the_conda_build_pack_with_the_pinned_python(dry_run):
    dockerfile, log = dry_run
    pin = python_pin()
    assert f"Building conda environment for python={pin}" in log
    # the base environment for that Python, named in the Dockerfile escaped (lower-case hex)
    base_env = escapism.escape(f"environment.py-{pin}-linux-64.lock", escape_char="-")
    assert base_env.lower() in dockerfile.lower() and " /tmp/env/environment.lock" in dockerfile
    assert '--file "environment.yml"' in dockerfile  # conda build pack installs our file
    assert "COPY --chown=0:0 src/environment.yml" in dockerfile


def test_binder_installs_the_environment_before_copying_the_course(dry_run):
    dockerfile, _ = dry_run
    env_install = dockerfile.index('--file "environment.yml"')
    course_copy = dockerfile.index("COPY --chown=0:0 src/ ")
    assert env_install < course_copy, "the environment layer would be rebuilt on every commit"


def test_binder_runs_post_build_after_the_course_is_copied(dry_run):
    dockerfile, _ = dry_run
    lines = [line.strip() for line in dockerfile.splitlines()]
    assert "RUN ./postBuild" in lines
    # postBuild installs convhelpers from the copied course, so it must come after the copy
    assert dockerfile.index("RUN ./postBuild") > dockerfile.index("COPY --chown=0:0 src/ ")
