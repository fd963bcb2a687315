"""A real JupyterLab (or Notebook 7) on a temporary copy of the course, driven by headless Chromium.

Shared by the browser tests (tests/browser/conftest.py) and benchmarks/browser_latency.py.
Nothing here writes outside a temporary folder: the server gets its own HOME, JUPYTER_*,
IPYTHONDIR, MPLCONFIGDIR and XDG_* directories and serves a copy of notebooks/.

The course's widgets keep a DOM contract the tests and the benchmark rely on: each widget's
root has data-ch-widget="<name>" (WIDGETS), each slider is an <input type=range> with an
aria-label, pictures are <canvas>; the KernelExplorer's sum is [data-ch=sum] with data-value,
data-row and data-col.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
HOW_TO_ENABLE = "browser tests need Debian's Chromium: `sudo apt-get install chromium` enables them"

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

# data-ch-widget of every course widget drawn in the browser
WIDGETS = (
    "kernel-explorer",
    "digit-window",
    "photo-window",
    "brightness-contrast",
    "shuffle-explorer",
    "shift-explorer",
    "feature-maps",
    "shift-predictions",
    "digit-pad",
    "receptive-field",
    "learning-rate",
)
# Where a notebook opens: JupyterLab (a fresh layout) or Notebook 7.
NOTEBOOK_URLS = {
    "lab": "{url}/lab/tree/notebooks/{name}?reset",
    "notebook": "{url}/notebooks/notebooks/{name}",
}
APP_OPTIONS = {  # window.jupyterapp: read the cells' models, run cells
    "lab": "--LabApp.expose_app_in_browser=True",
    "notebook": "--JupyterNotebookApp.expose_app_in_browser=True",
}

# User settings written into the temporary JUPYTER_CONFIG_DIR.
LAB_SETTINGS = {
    # no news or update toast over the widgets, no calls home
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    # every cell stays in the page, so the tests see all outputs and screenshots show them
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}

__all__ = [
    "CHROMIUM",
    "HOW_TO_ENABLE",
    "LOOK",
    "ROOT",
    "WIDGETS",
    "browser_missing",
    "chromium",
    "code_cells",
    "course_copy",
    "interrupt_kernels",
    "isolated_env",
    "kernel_pids",
    "lab_server",
    "notebooks",
    "open_notebook",
    "paused_kernels",
    "run_all",
    "run_cell",
    "screenshot_notebook",
    "shutdown_kernels",
    "start_cell",
    "write_notebook",
]


def notebooks() -> list[str]:
    """The course's notebook file names, in order."""
    return sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


def browser_missing() -> str | None:
    """None when the browser tests can run, else a one-line reason and how to enable them."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found; {HOW_TO_ENABLE}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: pip install -e '.[test]'"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(home: Path) -> dict:
    """os.environ with every per-user directory moved into home, and quiet Lab settings."""
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the kernel must use the inline backend, as for a student
    dirs = {
        "HOME": "home",
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
        "XDG_CONFIG_HOME": "xdg-config",
        "XDG_CACHE_HOME": "xdg-cache",
        "XDG_DATA_HOME": "xdg-data",
        "XDG_RUNTIME_DIR": "xdg-runtime",
    }
    for var, name in dirs.items():
        path = home / name
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        env[var] = str(path)
    settings = home / "jupyter-config" / "lab" / "user-settings"
    for plugin, values in LAB_SETTINGS.items():
        file = settings / f"{plugin}.jupyterlab-settings"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(values))
    return env


def course_copy(dst: Path) -> Path:
    """Copy notebooks/ into dst (so Lab never writes into the working tree); return dst."""
    shutil.copytree(
        ROOT / "notebooks", dst / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    return dst


def write_notebook(root: Path, name: str, sources: list[str]) -> str:
    """Write a notebook of code cells into the served copy (root/notebooks); return its name."""
    import nbformat

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    nbformat.write(nb, root / "notebooks" / name)
    return name


def _get(url: str, timeout: float = 5.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"the jupyter server exited ({proc.returncode}):\n{log.read_text()[-3000:]}"
            )
        try:
            _get(f"{url}/api/status", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.25)
    raise RuntimeError(
        f"the jupyter server did not answer in {timeout:.0f} s:\n{log.read_text()[-3000:]}"
    )


def _children(pid: int) -> list:
    import psutil  # ipykernel depends on it

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def kernel_pids(server_pid: int) -> list[int]:
    """PIDs of the kernels the server started (child processes running ipykernel)."""
    import psutil

    pids = []
    for child in _children(server_pid):
        try:
            if "ipykernel_launcher" in child.cmdline():
                pids.append(child.pid)
        except psutil.NoSuchProcess:
            pass
    return pids


def _stop(proc: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGTERM the server (it shuts its kernels down), wait, then SIGKILL it and its kernels."""
    if proc.poll() is not None:
        return
    children = [child.pid for child in _children(proc.pid)]
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
    for pid in children:  # a kernel (or helper) the server could not stop
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def lab_server(workdir: Path, timeout: float = 90.0, app: str = "lab"):
    """Run `jupyter lab` (app="notebook": `jupyter notebook`, Notebook 7) on a copy of the
    course in workdir; yield its url, env, pid, root and app.

    The server listens on 127.0.0.1 at a free port without a token and is stopped by
    its PID when the block ends, also when it ends with an exception.
    """
    env = isolated_env(workdir / "user")
    root = course_copy(workdir / "course")
    port = free_port()
    args = [
        sys.executable,  # the kernel then runs this interpreter too (kernelspec argv "python")
        "-m",
        "jupyter",
        app,
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        "--IdentityProvider.token=",
        "--ServerApp.disable_check_xsrf=True",  # REST DELETE of kernels without a token
        APP_OPTIONS[app],
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    log = workdir / f"jupyter-{app}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc, log, timeout)
        yield SimpleNamespace(url=url, env=env, pid=proc.pid, root=root, app=app)
    finally:
        _stop(proc)


def _each_kernel(url: str, action: str = "", method: str = "DELETE") -> None:
    for kernel in _get(f"{url}/api/kernels"):
        where = f"{url}/api/kernels/{kernel['id']}{action}"
        request = urllib.request.Request(where, method=method, data=b"" if action else None)
        with contextlib.suppress(urllib.error.HTTPError):  # already gone
            urllib.request.urlopen(request, timeout=30).close()


def shutdown_kernels(url: str) -> None:
    """Shut every running kernel down (REST DELETE), to keep memory low between notebooks."""
    _each_kernel(url)


@contextlib.contextmanager
def paused_kernels(server_pid: int):
    """Stop the server's kernel processes (SIGSTOP) for the block, then let them go on
    (SIGCONT): nothing the page asks of Python can be answered meanwhile. Yields their PIDs."""
    import psutil

    pids = kernel_pids(server_pid)
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        deadline = time.monotonic() + 5
        while any(psutil.Process(pid).status() != psutil.STATUS_STOPPED for pid in pids):
            if time.monotonic() > deadline:  # the signal is delivered asynchronously
                raise RuntimeError(f"kernels {pids} did not stop on SIGSTOP")
            time.sleep(0.01)
        yield pids
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


def interrupt_kernels(url: str) -> None:
    """Interrupt every running kernel (as the stop button does): a long cell ends now."""
    _each_kernel(url, "/interrupt", "POST")


@contextlib.contextmanager
def chromium(env: dict):
    """Yield a headless Debian Chromium driven by Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, env=env
        )
        try:
            yield browser
        finally:
            browser.close()


# The open notebook's kernel, as its toolbar and status bar show it ("idle", "busy", ...);
# the same in JupyterLab and Notebook 7 (both expose the app as window.jupyterapp).
KERNEL_STATUS = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    return panel && panel.sessionContext ? panel.sessionContext.kernelDisplayStatus : null;
}"""


def open_notebook(page, url: str, name: str, timeout_ms: int = 90_000, app: str = "lab") -> None:
    """Open notebooks/name (in a fresh Lab layout, or in Notebook 7) and wait until its
    kernel is idle."""
    page.goto(NOTEBOOK_URLS[app].format(url=url, name=name))
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=timeout_ms)
    page.wait_for_function(f"() => ({KERNEL_STATUS})() === 'idle'", timeout=timeout_ms, polling=250)


CODE_PROMPTS = ".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt"


def run_all(page, timeout_ms: int = 300_000) -> None:
    """Run All Cells from the Run menu; return when the run has ended and the kernel idles.

    A code cell's prompt reads "[*]:" while it is queued or running. The stored notebooks
    keep the counts of their checked cells, so "[n]:" alone does not prove a cell ran:
    an observer records that the run started (some prompt turned "[*]:"), then we wait
    until no prompt is "[*]:" (all ran, or Lab dropped the queue after an error).
    """
    page.evaluate(
        """(selector) => {
            window.__runStarted = false;
            const started = () => [...document.querySelectorAll(selector)]
                .some(p => p.textContent.includes('[*]'));
            const observer = new MutationObserver(() => {
                if (started()) { window.__runStarted = true; observer.disconnect(); }
            });
            observer.observe(document.querySelector('.jp-NotebookPanel'),
                             {subtree: true, childList: true, characterData: true});
        }""",
        CODE_PROMPTS,
    )
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator('li.lm-Menu-item[data-command="runmenu:run-all"]').click()
    page.wait_for_function(
        """([selector, status]) => {
            const busy = [...document.querySelectorAll(selector)]
                .some(p => p.textContent.includes('[*]'));
            return window.__runStarted && !busy && eval(status)() === 'idle';
        }""",
        arg=[CODE_PROMPTS, KERNEL_STATUS],
        timeout=timeout_ms,
        polling=250,
    )


def start_cell(page, source: str) -> int:
    """Add a code cell holding source at the end of the open notebook and start running it;
    return its index among all cells (as in code_cells). Does not wait for it to finish."""
    return page.evaluate(
        """async (source) => {
            const app = window.jupyterapp, notebook = app.shell.currentWidget.content;
            notebook.activeCellIndex = notebook.widgets.length - 1;
            await app.commands.execute('notebook:insert-cell-below');
            await app.commands.execute('notebook:change-cell-to-code');
            notebook.activeCell.model.sharedModel.setSource(source);
            const index = notebook.activeCellIndex;
            app.commands.execute('notebook:run-cell');  // not awaited: it may run for long
            return index;
        }""",
        source,
    )


def run_cell(page, source: str, timeout_ms: int = 60_000) -> str:
    """Run source in a new last cell of the open notebook; return what it printed (stdout).
    Raises AssertionError if the cell raised."""
    index = start_cell(page, source)
    page.wait_for_function(
        """([index, status]) => {
            const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
            return cell.model.executionCount !== null && eval(status)() === 'idle';
        }""",
        arg=[index, KERNEL_STATUS],
        timeout=timeout_ms,
        polling=100,
    )
    cell = next(c for c in code_cells(page) if c["index"] == index)
    errors = [o["text"] for o in cell["outputs"] if o["type"] == "error"]
    assert not errors, f"the cell {source!r} raised {errors[0]}"
    return "".join(o["text"] for o in cell["outputs"] if o["name"] == "stdout")


# What an element looks like: its text (but the text inside `skip`, e.g. a slider's own
# readout) and a hash of every canvas's pixels (getImageData), so two calls differ when
# anything drawn in it differs (a MutationObserver alone misses canvas drawing).
LOOK = """(root, skip = null) => {
    let hash = 2166136261 >>> 0;  // FNV-1a over the pixels as 32-bit words
    const canvases = [...root.querySelectorAll('canvas')].map((c) => {
        const ctx = c.width && c.height ? c.getContext('2d') : null;
        if (!ctx) { return c.width ? c.toDataURL() : 'empty'; }
        const words = new Uint32Array(ctx.getImageData(0, 0, c.width, c.height).data.buffer);
        for (let i = 0; i < words.length; i++) { hash = Math.imul(hash ^ words[i], 16777619); }
        return `${c.width}x${c.height}:${hash >>> 0}`;
    });
    const texts = [], walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (!skip || !skip.contains(n)) { texts.push(n.data); }
    }
    return {canvases: canvases.join(' '), text: texts.join('')};
}"""


def code_cells(page) -> list[dict]:
    """What the open notebook's code cells hold in the front end, read from Lab's models.

    One dict per code cell: index (among all cells), execution_count and outputs, each
    output as {type, name (streams), text (streams, errors), mimes (rich outputs)}.
    """
    return page.evaluate(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            return panel.content.widgets.map((cell, index) => ({cell, index}))
                .filter(({cell}) => cell.model.type === 'code')
                .map(({cell, index}) => {
                    const outputs = [];
                    for (let i = 0; i < cell.model.outputs.length; i++) {
                        const o = cell.model.outputs.get(i).toJSON();
                        outputs.push({
                            type: o.output_type,
                            name: o.name || null,
                            text: o.output_type === 'error' ? `${o.ename}: ${o.evalue}`
                                : [].concat(o.text || []).join(''),
                            mimes: Object.keys(o.data || {}),
                        });
                    }
                    return {index, execution_count: cell.model.executionCount, outputs};
                });
        }"""
    )


def screenshot_notebook(page, path: Path, max_height: int = 12_000) -> list[Path]:
    """Save the whole open notebook as PNGs: fold the file browser away, grow the window to
    the notebook's height (at most max_height px) and shoot from the top, in parts
    (path-2.png, ...) when the notebook is taller. Returns the files written."""
    open_tab = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if open_tab.count():
        open_tab.first.click()
    # where the last cell ends, and how tall the visible part is, in the notebook's scroll box
    measure = """() => {
        const box = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
        const cells = box.querySelectorAll('.jp-Cell');
        const end = cells[cells.length - 1].getBoundingClientRect().bottom
            - box.getBoundingClientRect().top + box.scrollTop;
        return [end, box.clientHeight];
    }"""
    scroll = """(top) => {
        const box = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
        box.scrollTop = top;
        return box.scrollTop;
    }"""
    end, visible = page.evaluate(measure)
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    chrome = height - visible  # menu, toolbar and status bar around the notebook
    path.parent.mkdir(parents=True, exist_ok=True)
    files, top = [], 0
    while True:
        # the window shows the rest of the notebook, or as much as max_height allows
        rest = min(chrome + int(end - top) + 20, max_height)
        page.set_viewport_size({"width": width, "height": rest})
        page.wait_for_timeout(300)  # let Lab lay the window out
        top = page.evaluate(scroll, top)
        page.wait_for_timeout(200)
        name = path.with_name(f"{path.stem}-{len(files) + 1}{path.suffix}") if files else path
        page.screenshot(path=str(name))
        files.append(name)
        end, visible = page.evaluate(measure)
        if top + visible >= end or len(files) == 20:
            break
        top += visible - 100  # the parts overlap by 100 px
    page.set_viewport_size({"width": width, "height": height})
    return files
