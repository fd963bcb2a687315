"""Pointer-up to updated bars on the DigitPad, in a real JupyterLab with headless Chromium.

    flock /tmp/heavy.lock .venv/bin/python benchmarks/digit_pad_latency.py

Starts JupyterLab and Chromium as the browser tests do (tests/browser/lab.py) and opens a
notebook with three pads: notebook 05's (small_cnn on a 28x28 pad), notebook 06's (an MLP
on 48x48 canvases and global_pool_cnn on a 48x48 pad), and a reference pad whose "model"
costs nothing (its scores are the image's mean ink times 0..9), so that pad's figure is the
floor: the round trip, preprocessing and drawing the bars. The networks are untrained: a
forward pass costs the same with any weights.

For each pad, 30 measured strokes (after 3 warm-up ones): Clear, wait for its answer, then
the mouse draws a vertical stroke (at another place each time, so the bars change). A stroke
is timed from the pointerup event to the frame painted after the bars first change: the time
stamp is taken in a timer queued by the next animation frame, i.e. after that frame.

Target: median_ms <= 100 (notebook 05's pad). Last line: median_ms=<f>.
"""

import statistics
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

import lab  # noqa: E402  (the browser tests' server and browser launch code)

STROKES, WARM_UP = 30, 3
CELLS = [
    "import numpy as np\nimport convhelpers as ch",
    'pad_05 = ch.DigitPad({"small_cnn": ch.small_cnn(seed=0)})\npad_05',
    """mlp_canvas = ch.Sequential(
    ch.Flatten(), ch.Dense(48 * 48, 128, rng=np.random.default_rng(0)), ch.ReLU(),
    ch.Dense(128, 10, rng=np.random.default_rng(1)), input_shape=(1, 48, 48))
models_06 = {"MLP (canvases)": mlp_canvas, "CNN + global pool": ch.global_pool_cnn(seed=0)}
pad_06 = ch.DigitPad(models_06, size=48)
pad_06""",
    """class Free:  # scores that cost nothing: the image's mean ink times 0..9
    def scores(self, X):
        return np.asarray(X, float).mean(axis=(1, 2))[:, None] * np.arange(10) / 10

pad_reference = ch.DigitPad({"free": Free()})
pad_reference""",
]
PADS = {  # name: the pad's position among the notebook's pads
    "05: small_cnn, 28x28": 0,
    "06: MLP + global-pool CNN, 48x48": 1,
    "reference: a model that costs nothing": 2,
}

# Arm: record the next pointerup's time stamp on the pad, then the frame painted after
# the first change in its bars.
ARM = """(root) => {
    const t = {};
    const pad = root.querySelector('canvas.dp-pad');
    const bars = root.querySelector('.dp-results');
    window.__timing = new Promise((resolve) => {
        pad.addEventListener('pointerup', (e) => { t.up = e.timeStamp; },
                             {once: true, capture: true});
        const observer = new MutationObserver(() => {
            if (t.up === undefined) { return; }
            observer.disconnect();
            t.dom = performance.now() - t.up;
            requestAnimationFrame(() => setTimeout(() => {
                t.painted = performance.now() - t.up;
                resolve(t);
            }, 0));
        });
        observer.observe(bars, {attributes: true, childList: true, characterData: true,
                                subtree: true});
    });
}"""


def stroke(page, pad, k: int) -> dict:
    """Clear the pad, then draw stroke number k and time it."""
    top = pad.locator("[data-predicted] >> nth=0")
    pad.get_by_role("button", name="clear the pad").click()
    page.wait_for_function("(el) => el.dataset.predicted === ''", arg=top.element_handle())
    page.wait_for_timeout(100)  # nothing else in flight
    box = pad.locator("canvas.dp-pad").bounding_box()
    x = box["x"] + box["width"] * (0.25 + 0.5 * (k % 7) / 6)
    pad.evaluate(ARM)
    page.mouse.move(x, box["y"] + 0.2 * box["height"])
    page.mouse.down()
    page.mouse.move(x + 0.05 * box["width"], box["y"] + 0.8 * box["height"], steps=6)
    page.mouse.up()
    return page.evaluate("() => window.__timing")


def measure(page) -> dict[str, dict[str, list[float]]]:
    times = {name: {"painted": [], "dom": []} for name in PADS}
    for name, index in PADS.items():
        pad = page.locator(f".jp-NotebookPanel [data-ch-widget='digit-pad'] >> nth={index}")
        pad.scroll_into_view_if_needed()
        for k in range(WARM_UP + STROKES):
            timing = stroke(page, pad, k)
            if k >= WARM_UP:
                times[name]["painted"].append(timing["painted"])
                times[name]["dom"].append(timing["dom"])
    return times


def main() -> None:
    if reason := lab.browser_missing():
        sys.exit(f"cannot measure: {reason}")
    with tempfile.TemporaryDirectory() as tmp, lab.lab_server(Path(tmp)) as server:
        name = lab.write_notebook(server.root, "digit_pad_latency.ipynb", CELLS)
        with lab.chromium(server.env) as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            lab.open_notebook(page, server.url, name)
            lab.run_all(page)
            times = measure(page)
    print(f"{STROKES} strokes per pad, real JupyterLab {version('jupyterlab')}, Chromium")
    median = {}
    for name, t in times.items():
        median[name] = statistics.median(t["painted"])
        p90 = statistics.quantiles(t["painted"], n=10)[-1]
        print(
            f"  {name:<40} pointer-up -> bars in the DOM median {statistics.median(t['dom']):6.1f}"
            f" ms, painted median {median[name]:6.1f} ms, p90 {p90:6.1f} ms"
        )
    ours, pad_06, reference = (median[name] for name in PADS)
    print(
        f"  05's pad / reference: {ours / reference:.2f}x; "
        f"06's pad: {pad_06:.1f} ms; target: median <= 100 ms"
    )
    print(f"median_ms={ours:.1f}")


if __name__ == "__main__":
    main()
