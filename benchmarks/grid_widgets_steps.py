"""What the widgets of notebooks 01-03, 05 and 06 cost in Python, next to a matplotlib redraw.

    .venv/bin/python benchmarks/grid_widgets_steps.py

A slider step costs Python nothing any more: the page draws it from data sent once
(benchmarks/browser_latency.py times it in the browser). Python works when an input
changes, i.e. when a widget is built: this measures that build (median of 5) and the
bytes it sends to the page, and one state change set from Python (``w.row = 5``:
validate and sync, median of 200). The reference, in the same run, is the cheapest
matplotlib way of drawing one live picture: reuse one figure (a 28x28 digit, gray,
with a colour bar), ``set_data`` and render to PNG. Last line:
``<widget>_build_ms=<float> ... set_ms=<float> reference_ms=<float>``.
"""

import io
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import convhelpers as ch  # noqa: E402


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def sent_bytes(widget) -> int:
    """Bytes of the widget's binary traits: what the page gets once."""
    return sum(len(v) for v in widget.get_state().values() if isinstance(v, (bytes, memoryview)))


def reference_ms(image, steps=40) -> float:
    """Reuse one matplotlib figure: set_data, then render it to PNG bytes."""
    fig, ax = plt.subplots(figsize=(3, 3))
    shown = ax.imshow(image, cmap="gray", vmin=0, vmax=255)
    fig.colorbar(shown, ax=ax)
    k = iter(range(10**6))

    def redraw():
        shown.set_data(ch.shift(image, dx=next(k) % 5))
        fig.savefig(io.BytesIO(), format="png")

    ms = median_ms(redraw, steps)
    plt.close(fig)
    return ms


def main() -> None:
    X, y = ch.load_digits()
    X_train, X_test, y_train, y_test = ch.train_test_split(X, y)
    linear = ch.train_linear(X_train, y_train)
    cnn = ch.small_cnn(seed=0)
    perm = np.random.default_rng(0).permutation(784)
    photo = ch.load_photo()
    builders = {
        "digit_window": lambda: ch.digit_window(X_test, y_test),
        "photo_window": lambda: ch.photo_window(photo),
        "brightness_contrast": lambda: ch.brightness_contrast(X_test[0]),
        "shuffle_explorer": lambda: ch.shuffle_explorer(X_test, y_test, perm),
        "shift_explorer": lambda: ch.shift_explorer(linear, X_test, y_test),
        "feature_maps": lambda: ch.feature_maps_widget(cnn, X_test[:12], y_test[:12]),
        "shift_predictions": lambda: ch.shift_predictions_widget(
            {"CNN": cnn, "MLP": ch.mlp(seed=0)}, X_test[3], int(y_test[3])
        ),
    }
    results = {}
    for name, build in builders.items():
        widget = build()
        results[name] = (median_ms(build, 5), sent_bytes(widget))
        print(f"{name:<20} build {results[name][0]:8.1f} ms, sends {results[name][1]:>10,} bytes")
    window = builders["digit_window"]()
    rows = iter(np.tile(np.arange(22), 20))
    set_ms = median_ms(lambda: setattr(window, "row", int(next(rows))), 200)
    reference = reference_ms(X_test[0])
    print(f"{'set a trait (w.row = 5)':<20} {set_ms:8.3f} ms")
    print(f"{'reference (matplotlib)':<20} {reference:8.2f} ms per redraw")
    fields = [f"{k}_build_ms={v[0]:.1f}" for k, v in results.items()]
    print(" ".join([*fields, f"set_ms={set_ms:.3f}", f"reference_ms={reference:.2f}"]))


if __name__ == "__main__":
    main()
