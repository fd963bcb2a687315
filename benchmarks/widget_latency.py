"""How long one KernelExplorer step takes in the kernel, next to the usual matplotlib ways.

    .venv/bin/python benchmarks/widget_latency.py

A step is: set a slider's ``.value`` from Python, and return once every observer
has run, i.e. the image, the feature map, the patch and products tables and the
sum have their new values and were serialised for the front end. The sliders go
through 200 positions (row and column alternately, then the step slider).

Measured twice: in this process, and inside a real IPython kernel (jupyter_client),
where every widget update is also sent over ZeroMQ as a comm message, as for a
student. The reference strategies draw a similar three-panel picture (the image with
the patch outlined, the products with their values, the feature map so far) with
matplotlib, in the same run; ratios are theirs / ours. Last line:
``median_ms_per_step=<float>`` (the in-kernel median, or in-process if no kernel starts).
"""

import io
import os
import subprocess
import sys
import textwrap
import time

import numpy as np

STEPS = 200
REFERENCE_STEPS = 40  # matplotlib is slow; 40 steps give a stable median

# The driving code, run here and inside a kernel; prints 'median_ms=<float>'.
DRIVE = textwrap.dedent(
    f"""
    import time, numpy as np
    import convhelpers as ch
    ke = ch.KernelExplorer()  # MNIST digit, 3x3 Sobel x: 26 x 26 positions
    rng = np.random.default_rng(0)
    times = []
    for k in range({STEPS}):
        slider = (ke.row, ke.col, ke.position)[k % 3]
        value = int(rng.integers(0, slider.max + 1))
        if value == slider.value:
            value = (value + 1) % (slider.max + 1)
        start = time.perf_counter()
        slider.value = value  # observers run now; all panels are updated on return
        times.append(time.perf_counter() - start)
        assert abs(ke.sum_value - ke.reference_map[ke.row.value, ke.col.value]) < 1e-6
    print(f"median_ms={{1e3 * np.median(times):.3f}} p90_ms={{1e3 * np.percentile(times, 90):.3f}}")
    """
)


def in_process() -> tuple[float, float]:
    out = io.StringIO()
    real, sys.stdout = sys.stdout, out
    try:
        exec(DRIVE, {})
    finally:
        sys.stdout = real
    fields = dict(item.split("=") for item in out.getvalue().split())
    return float(fields["median_ms"]), float(fields["p90_ms"])


def in_kernel() -> tuple[float, float] | None:
    """Run DRIVE in a fresh python3 kernel; None if no kernel could be started."""
    try:
        from jupyter_client.manager import start_new_kernel
    except ImportError:
        return None
    # stderr off: the kernel's start-up notices are not results
    manager, client = start_new_kernel(kernel_name="python3", stderr=subprocess.DEVNULL)
    try:
        client.execute_interactive("import matplotlib; matplotlib.use('Agg')", timeout=60)
        lines = []

        def keep(msg):
            if msg["header"]["msg_type"] == "stream":
                lines.append(msg["content"]["text"])
            elif msg["header"]["msg_type"] == "error":
                lines.append("error " + msg["content"]["evalue"])

        client.execute_interactive(DRIVE, timeout=300, output_hook=keep)
        text = "".join(lines)
        if "median_ms=" not in text:
            print(f"kernel run failed: {text.strip()[-500:]}")
            return None
        fields = dict(item.split("=") for item in text.split() if "=" in item)
        return float(fields["median_ms"]), float(fields["p90_ms"])
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


# --- reference strategies: matplotlib --------------------------------------------------------


def _positions(ho, wo, n):
    rng = np.random.default_rng(0)
    return [(int(rng.integers(0, ho)), int(rng.integers(0, wo))) for _ in range(n)]


def _data():
    import convhelpers as ch

    image = ch.load_digits()[0][0].astype(float)
    kernel = ch.KERNELS["sobel x"]
    return image, kernel, ch.conv2d(image, kernel)


def _draw_panels(axes, image, kernel, fmap):
    """Three panels; return the artists a step changes."""
    from matplotlib.patches import Rectangle

    m = np.abs(fmap).max()
    axes[0].imshow(image, cmap="gray", vmin=0, vmax=255)
    patch = axes[0].add_patch(Rectangle((-0.5, -0.5), 3, 3, fill=False, ec="orange", lw=2))
    products = axes[1].imshow(np.zeros((3, 3)), cmap="RdBu_r", vmin=-500, vmax=500)
    texts = [axes[1].text(b, a, "", ha="center", va="center") for a in range(3) for b in range(3)]
    shown = axes[2].imshow(np.full_like(fmap, np.nan), cmap="RdBu_r", vmin=-m, vmax=m)
    titles = ["image (28, 28)", "products (3, 3)", "feature map (26, 26)"]
    for ax, title in zip(axes, titles, strict=True):
        ax.set_title(title)
    return patch, products, texts, shown


def _update(artists, image, kernel, fmap, i, j):
    patch, products, texts, shown = artists
    patch.set_xy((j - 0.5, i - 0.5))
    values = image[i : i + 3, j : j + 3] * kernel
    products.set_data(values)
    for t, v in zip(texts, values.ravel(), strict=True):
        t.set_text(f"{v:.0f}")
    so_far = np.full_like(fmap, np.nan)
    so_far.flat[: i * fmap.shape[1] + j + 1] = fmap.flat[: i * fmap.shape[1] + j + 1]
    shown.set_data(so_far)


def reused_figure_to_png() -> float:
    """Reuse one figure: set_data, render to PNG, feed an ipywidgets.Image (ms per step)."""
    import ipywidgets as widgets
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    image, kernel, fmap = _data()
    fig = Figure(figsize=(9, 3))
    FigureCanvasAgg(fig)  # a bare Figure has no print_png without a canvas
    artists = _draw_panels(fig.subplots(1, 3), image, kernel, fmap)
    view = widgets.Image(format="png")
    times = []
    for i, j in _positions(*fmap.shape, REFERENCE_STEPS):
        start = time.perf_counter()
        _update(artists, image, kernel, fmap, i, j)
        buffer = io.BytesIO()
        fig.canvas.print_png(buffer)
        view.value = buffer.getvalue()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def new_figure_each_step() -> float:
    """What `interact` with a plotting function does: a new figure per step, to PNG (ms)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    image, kernel, fmap = _data()
    times = []
    for i, j in _positions(*fmap.shape, REFERENCE_STEPS):
        start = time.perf_counter()
        fig, axes = plt.subplots(1, 3, figsize=(9, 3))
        _update(_draw_panels(axes, image, kernel, fmap), image, kernel, fmap, i, j)
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def main():
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average over the last minute: {load:.1f} on {os.cpu_count()} CPUs")
    local_median, local_p90 = in_process()
    print(
        f"KernelExplorer, in this process:   median {local_median:.2f} ms, p90 {local_p90:.2f} ms"
    )
    kernel = in_kernel()
    if kernel:
        median, p90 = kernel
        print(f"KernelExplorer, in an IPython kernel: median {median:.2f} ms, p90 {p90:.2f} ms")
    ours = kernel[0] if kernel else local_median
    for name, fn in [
        ("matplotlib, reused figure -> PNG -> Image", reused_figure_to_png),
        ("matplotlib, new figure each step -> PNG", new_figure_each_step),
    ]:
        ms = fn()
        print(f"{name}: median {ms:.1f} ms = {ms / ours:.1f}× ours")
    print(f"median_ms_per_step={ours:.3f}")


if __name__ == "__main__":
    main()
