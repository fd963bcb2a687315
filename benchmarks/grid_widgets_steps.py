"""Milliseconds per slider step of the widgets of notebooks 01-03, next to a matplotlib redraw.

    .venv/bin/python benchmarks/grid_widgets_steps.py

A step: set a slider's ``.value`` from Python and return once every observer has
run (pictures re-encoded, tables and bars rebuilt). Each widget gets 120 steps
over its sliders in turn (values drawn from a seeded generator); the median is
reported. The reference, in the same run, is the cheapest matplotlib way the
course measured for a live picture: reuse one figure (a 28x28 digit, gray, with
a colour bar), ``set_data`` and render to PNG for an ``ipywidgets.Image``.
Ratios are reference / widget. Last line: ``<widget>_ms=<float> ... reference_ms=<float>``.
"""

import io
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import convhelpers as ch  # noqa: E402

STEPS = 120


def median_step_ms(sliders, steps=STEPS, seed=0) -> float:
    """Median time of setting a new value on the sliders, in turn."""
    rng = np.random.default_rng(seed)
    times = []
    for k in range(steps):
        slider = sliders[k % len(sliders)]
        options = np.arange(slider.min, slider.max + 1) if hasattr(slider, "min") else None
        if options is None:  # ToggleButtons / Checkbox: flip
            values = list(getattr(slider, "options", [True, False]))
            value = values[(values.index(slider.value) + 1) % len(values)]
        else:
            value = int(rng.choice(options[options != slider.value]))
        start = time.perf_counter()
        slider.value = value
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def reference_ms(image, steps=40) -> float:
    """Reuse one matplotlib figure: set_data, then render it to PNG bytes."""
    fig, ax = plt.subplots(figsize=(3, 3))
    shown = ax.imshow(image, cmap="gray", vmin=0, vmax=255)
    fig.colorbar(shown, ax=ax)
    times = []
    for k in range(steps):
        start = time.perf_counter()
        shown.set_data(ch.shift(image, dx=k % 5))
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        times.append(time.perf_counter() - start)
    plt.close(fig)
    return 1e3 * float(np.median(times))


def main() -> None:
    X, y = ch.load_digits()
    X_train, X_test, y_train, y_test = ch.train_test_split(X, y)
    model = ch.train_linear(X_train, y_train)
    perm = np.random.default_rng(0).permutation(784)
    d = ch.digit_window(X_test, y_test)
    b = ch.brightness_contrast(X_test[0])
    s = ch.shuffle_explorer(X_test, y_test, perm)
    t = ch.shift_explorer(model, X_test, y_test)
    p = ch.photo_window(ch.load_photo())
    results = {
        "digit_window": median_step_ms([d.row, d.col, d.digit]),
        "brightness_contrast": median_step_ms([b.brightness, b.contrast, b.invert]),
        "shuffle_explorer": median_step_ms([s.digit, s.mode]),
        "shift_explorer_dxdy": median_step_ms([t.dx, t.dy]),
        "shift_explorer_digit": median_step_ms([t.digit], steps=40),
        "photo_window": median_step_ms([p.row, p.col], steps=60),
    }
    reference = reference_ms(X_test[0])
    for name, ms in results.items():
        print(f"{name:<22} {ms:7.2f} ms/step   {reference / ms:5.1f}x faster than the reference")
    print(f"{'reference (matplotlib)':<22} {reference:7.2f} ms/step")
    fields = [f"{k}_ms={v:.2f}" for k, v in results.items()] + [f"reference_ms={reference:.2f}"]
    print(" ".join(fields))


if __name__ == "__main__":
    main()
