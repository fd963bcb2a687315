"""The browser tests' launch code (lab.py) keeps to its temporary folder and cleans up.

These need JupyterLab but no browser, so they run (and are not skipped) without Chromium.
"""

import json
import os
import urllib.request

import lab
import nbformat
import psutil
import pytest


def test_isolated_env_moves_every_user_directory_into_the_temporary_home(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    env = lab.isolated_env(tmp_path)
    for var in ["HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                "IPYTHONDIR", "MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                "XDG_DATA_HOME", "XDG_RUNTIME_DIR"]:  # fmt: skip
        assert env[var].startswith(str(tmp_path)) and os.path.isdir(env[var]), var
    assert "MPLBACKEND" not in env  # the kernel must draw inline, as for a student
    settings = tmp_path / "jupyter-config" / "lab" / "user-settings" / "@jupyterlab"
    notification = settings / "apputils-extension" / "notification.jupyterlab-settings"
    assert json.loads(notification.read_text()) == {"fetchNews": "false", "checkForUpdates": False}


def test_course_copy_holds_every_notebook_and_no_checkpoints(tmp_path):
    root = lab.course_copy(tmp_path)
    copied = sorted(p.name for p in (root / "notebooks").glob("*.ipynb"))
    assert copied == lab.notebooks()
    assert not list(root.rglob(".ipynb_checkpoints"))


def test_write_notebook_writes_a_python3_notebook_of_code_cells(tmp_path):
    (tmp_path / "notebooks").mkdir()
    name = lab.write_notebook(tmp_path, "probe.ipynb", ["x = 1", "print(x)"])
    nb = nbformat.read(tmp_path / "notebooks" / name, as_version=4)
    assert nb.metadata.kernelspec["name"] == "python3"
    assert [c.source for c in nb.cells] == ["x = 1", "print(x)"]


def test_browser_missing_says_how_to_enable_the_tests(tmp_path, monkeypatch):
    monkeypatch.setattr(lab, "CHROMIUM", tmp_path / "no-chromium-here")
    reason = lab.browser_missing()
    assert "apt-get install chromium" in reason and "\n" not in reason


def test_the_server_and_its_kernels_stop_when_the_block_fails(tmp_path):
    """Also: paused_kernels stops the kernel for its block and lets it go on afterwards."""
    with pytest.raises(RuntimeError, match="a test failed"):
        with lab.lab_server(tmp_path) as server:
            request = urllib.request.Request(
                f"{server.url}/api/kernels", data=b'{"name": "python3"}', method="POST"
            )
            urllib.request.urlopen(request, timeout=60).close()
            kernels = lab.kernel_pids(server.pid)
            assert len(kernels) == 1
            with lab.paused_kernels(server.pid) as paused:  # SIGSTOP, then SIGCONT
                assert paused == kernels
                assert psutil.Process(kernels[0]).status() == psutil.STATUS_STOPPED
            assert psutil.Process(kernels[0]).status() != psutil.STATUS_STOPPED
            raise RuntimeError("a test failed")
    for pid in [server.pid, *kernels]:
        assert not psutil.pid_exists(pid), f"process {pid} is still running"
