"""What the KernelExplorer costs in the kernel: a recompute (typed kernel, new image), a step.

    .venv/bin/python benchmarks/widget_latency.py

The page draws every step itself from data sent once, so the kernel's work is only a
recompute when an input changes: parse the kernel or load the image, conv2d, and send the
image, kernel and feature map as bytes in one message. Timed: setting ``kernel_text`` to
a new random 3x3 kernel (200 times), setting ``image_choice`` to the other image (40 times),
and, for scale, what a step costs Python when the page reports it (``set_state`` of
position/row/col; the picture does not wait for it).

Measured twice: in this process, and inside a real IPython kernel (jupyter_client),
where each update also goes out over ZeroMQ as a comm message, as for a student. In the
same run: conv2d alone on the same inputs (the floor: the arithmetic every recompute must
do) and the matplotlib strategies the course would otherwise redraw with (a 3-panel figure
per change); ratios are theirs / ours. Last line: ``median_ms_per_recompute=<float>`` (the
typed-kernel median in the kernel, or in this process if no kernel starts).
"""

import io
import os
import subprocess
import sys
import textwrap
import time

import numpy as np

TYPED, IMAGES, STEPS = 200, 40, 200
REFERENCE_STEPS = 40  # matplotlib is slow; 40 steps give a stable median

# The driving code, run here and inside a kernel; prints 'typed_ms=<float> ...'.
DRIVE = textwrap.dedent(
    f"""
    import time, numpy as np
    import convhelpers as ch
    ke = ch.KernelExplorer()  # MNIST digit, 3x3 Sobel x
    rng = np.random.default_rng(0)

    def timed(action):
        start = time.perf_counter()
        action()
        return time.perf_counter() - start

    def right():  # the map sent to the page is conv2d's for the shown inputs (padding 0 first)
        expected = ch.conv2d(ke.image, ke.kernel)
        sent = np.frombuffer(ke.maps_bytes, "<f8")[: expected.size].reshape(expected.shape)
        assert np.array_equal(sent, expected)

    typed, floor = [], []
    for _ in range({TYPED}):
        kernel = rng.integers(-3, 4, size=(3, 3))
        text = "\\n".join(" ".join(str(v) for v in row) for row in kernel)
        typed.append(timed(lambda: setattr(ke, "kernel_text", text)))
        right()
        floor.append(timed(lambda: ch.conv2d(ke.image, kernel)))
    images = []
    for k in range({IMAGES}):
        choice = ("photo crop (32×32)", "MNIST digit")[k % 2]
        images.append(timed(lambda: setattr(ke, "image_choice", choice)))
        right()
    steps = []
    for k in range({STEPS}):
        p = int(rng.integers(0, ke.feature_map.size))
        wo = ke.output_shape[1]
        steps.append(timed(lambda: ke.set_state({{"position": p, "row": p // wo, "col": p % wo}})))
        assert ke.sum_value == ke.reference_map[p // wo, p % wo]
    ms = lambda t: f"{{1e3 * np.median(t):.3f}}"
    print(f"typed_ms={{ms(typed)}} image_ms={{ms(images)}} step_ms={{ms(steps)}} "
          f"conv2d_ms={{ms(floor)}} typed_p90_ms={{1e3 * np.percentile(typed, 90):.3f}}")
    """
)


def fields(text: str) -> dict[str, float]:
    return {k: float(v) for k, v in (item.split("=") for item in text.split() if "=" in item)}


def in_process() -> dict[str, float]:
    out = io.StringIO()
    real, sys.stdout = sys.stdout, out
    try:
        exec(DRIVE, {})
    finally:
        sys.stdout = real
    return fields(out.getvalue())


def in_kernel() -> dict[str, float] | None:
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
        if "typed_ms=" not in text:
            print(f"kernel run failed: {text.strip()[-500:]}")
            return None
        return fields(text)
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


def report(where: str, f: dict[str, float]) -> None:
    print(
        f"KernelExplorer, {where}: typed kernel {f['typed_ms']:.2f} ms "
        f"(p90 {f['typed_p90_ms']:.2f}), new image {f['image_ms']:.2f} ms, "
        f"a step from the page {f['step_ms']:.3f} ms; conv2d alone {f['conv2d_ms']:.3f} ms "
        f"(a typed kernel costs {f['typed_ms'] / f['conv2d_ms']:.1f}× conv2d alone)"
    )


def main():
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average over the last minute: {load:.1f} on {os.cpu_count()} CPUs")
    local = in_process()
    report("in this process", local)
    kernel = in_kernel()
    if kernel:
        report("in an IPython kernel", kernel)
    ours = (kernel or local)["typed_ms"]
    for name, fn in [
        ("matplotlib, reused figure -> PNG -> Image", reused_figure_to_png),
        ("matplotlib, new figure each change -> PNG", new_figure_each_step),
    ]:
        ms = fn()
        print(f"{name}: median {ms:.1f} ms = {ms / ours:.1f}× a recompute")
    print(f"median_ms_per_recompute={ours:.3f}")


if __name__ == "__main__":
    main()
