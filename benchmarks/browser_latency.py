"""Keydown-to-paint in a real JupyterLab: the KernelExplorer's step slider vs the round-trip floor.

    .venv/bin/python benchmarks/browser_latency.py

Starts JupyterLab and headless Chromium exactly as the browser tests do (tests/browser/lab.py),
opens a notebook holding a KernelExplorer and a slider that only updates a Label, and presses
ArrowRight on each slider's handle, alternately, 30 measured times each (after 3 warm-up
presses). A press is timed from the keydown event to the frame painted after the first
change of the explorer's pictures (image or feature map src; the slider's own readout,
which changes before the kernel answers, is ignored), or of the Label for the floor: the
time stamp is taken in a timer queued by the next animation frame, i.e. after that frame was
painted (for a picture: after the new PNG was decoded). The time to the change itself (in
the DOM, before decoding and painting) is printed too.
"complete" waits until the pictures and the written-out sum all show the new position.

Target: median_ms <= 35. Last line: median_ms=<f> floor_ms=<f> ratio=<f> complete_ms=<f>
dom_ms=<f> floor_dom_ms=<f> (medians in ms; ratio = explorer / floor, both painted).
"""

import statistics
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

import lab  # noqa: E402  (the browser tests' server and browser launch code)

STEPS, WARM_UP = 30, 3
CELLS = [
    "import ipywidgets as widgets\nimport convhelpers as ch",
    "explorer = ch.KernelExplorer()  # an MNIST digit and the Sobel-x kernel\nexplorer",
    """floor = widgets.IntSlider(max=1000, description="floor")
label = widgets.Label("0")
floor.observe(lambda change: setattr(label, "value", str(change["new"])), names="value")
floor.add_class("floor-slider")
label.add_class("floor-label")
widgets.VBox([floor, label])""",
]

# Arm: record the next keydown's time stamp, then the frames painted after the first of the
# watched elements changed ('first') and after all of them changed ('complete').
ARM = """(watched) => {
    const t = {};
    window.__timing = new Promise((resolve) => {
        document.addEventListener('keydown', (e) => { t.key = e.timeStamp; },
                                  {once: true, capture: true});
        const nodes = watched.map((sel) => document.querySelector(sel));
        const state = () => nodes.map((n) => n.getAttribute('src') ?? n.textContent);
        const start = state();
        // a new picture is visible once decoded and painted in the next frame
        const painted = (name, changed) => Promise.all(
            changed.filter((n) => n.tagName === 'IMG').map((n) => n.decode().catch(() => null))
        ).then(() => requestAnimationFrame(() => setTimeout(() => {
            t[name] = performance.now() - t.key;
            if (t.first !== undefined && t.complete !== undefined) { resolve(t); }
        }, 0)));
        const observer = new MutationObserver(() => {
            if (t.key === undefined) { return; }
            const changed = nodes.filter((n, i) => state()[i] !== start[i]);
            if (t.dom === undefined && changed.length) {
                t.dom = performance.now() - t.key;
                painted('first', changed);
            }
            if (changed.length === nodes.length) {
                observer.disconnect();
                painted('complete', changed);
            }
        });
        for (const n of nodes) {
            observer.observe(n, {attributes: true, childList: true, characterData: true,
                                 subtree: true});
        }
    });
}"""

EXPLORER = [".ke-root .ke-image", ".ke-root .ke-featuremap", ".ke-root .ke-sum"]
FLOOR = [".floor-label"]


def press(page, handle: str, watched: list[str]) -> dict:
    """One ArrowRight on handle; {'first': ms, 'complete': ms} to the paints after the changes."""
    page.evaluate(ARM, watched)
    page.locator(handle).press("ArrowRight")
    timing = page.evaluate("() => window.__timing")
    page.wait_for_timeout(150)  # let late messages (patch, products tables) land before the next
    return timing


def measure(page) -> dict[str, list[float]]:
    times = {"explorer": [], "explorer_dom": [], "complete": [], "floor": [], "floor_dom": []}
    explorer_handle = ".ke-root .ke-position .noUi-handle"
    floor_handle = ".floor-slider .noUi-handle"
    for step in range(WARM_UP + STEPS):
        explorer = press(page, explorer_handle, EXPLORER)
        floor = press(page, floor_handle, FLOOR)
        if step >= WARM_UP:
            times["explorer"].append(explorer["first"])
            times["explorer_dom"].append(explorer["dom"])
            times["complete"].append(explorer["complete"])
            times["floor"].append(floor["first"])
            times["floor_dom"].append(floor["dom"])
    return times


def main() -> None:
    if reason := lab.browser_missing():
        sys.exit(f"cannot measure: {reason}")
    with tempfile.TemporaryDirectory() as tmp, lab.lab_server(Path(tmp)) as server:
        name = lab.write_notebook(server.root, "latency_probe.ipynb", CELLS)
        with lab.chromium(server.env) as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            lab.open_notebook(page, server.url, name)
            lab.run_all(page)
            page.locator(".ke-root").scroll_into_view_if_needed()
            times = measure(page)
    median = {k: statistics.median(v) for k, v in times.items()}
    p90 = {k: statistics.quantiles(v, n=10)[-1] for k, v in times.items()}
    print(f"{STEPS} ArrowRight presses each, real JupyterLab {version('jupyterlab')}, Chromium")
    rows = [
        ("explorer_dom", "KernelExplorer step -> first picture in the DOM"),
        ("explorer", "KernelExplorer step -> first picture painted"),
        ("complete", "KernelExplorer step -> pictures and sum painted"),
        ("floor_dom", "Label-only slider (floor) -> label in the DOM"),
        ("floor", "Label-only slider (floor) -> label painted"),
    ]
    for key, what in rows:
        print(f"  {what:<50} median {median[key]:6.1f} ms   p90 {p90[key]:6.1f} ms")
    ratio = median["explorer"] / median["floor"]
    print(f"  explorer / floor: {ratio:.2f}x   target: median <= 35 ms")
    print(
        f"median_ms={median['explorer']:.1f} floor_ms={median['floor']:.1f} "
        f"ratio={ratio:.2f} complete_ms={median['complete']:.1f} "
        f"dom_ms={median['explorer_dom']:.1f} floor_dom_ms={median['floor_dom']:.1f}"
    )


if __name__ == "__main__":
    main()
