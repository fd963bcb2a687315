"""The learning-rate explorer (notebook 04b): gradient descent at many learning rates, sent once.

Python side: what it holds and shows, and its checks. Page side (learning_rate.js in headless
Chromium, no kernel): the sliders redraw from that data alone, and say what Python computed.
"""

import numpy as np
import pytest
from widget_page import deliver, missing, show

import convhelpers as ch

ROOT = '[data-ch-widget="learning-rate"]'


@pytest.fixture(scope="module")
def pairs():
    images = ch.to_float(ch.load_digits()[0][:8]).astype(np.float64)  # (8, 28, 28)
    hidden = ch.KERNELS["sobel y"]
    return images, np.stack([ch.conv2d(x, hidden) for x in images]), hidden


@pytest.fixture(scope="module")
def widget(pairs):
    images, targets, hidden = pairs
    return ch.learning_rate_explorer(images, targets, hidden, num_steps=120)


def test_it_shows_kernel_descents_numbers_for_each_rate_and_step(widget, pairs):
    images, targets, _ = pairs
    assert widget.rates == list(ch.RATES) and widget.lr == 1.0 and widget.step == 120
    for rate, step in [(0, 0), (4, 17), (9, 120), (19, 5)]:
        widget.rate, widget.step = rate, step
        kernels, losses = ch.kernel_descent(images, targets, lr=widget.lr, num_steps=120)
        np.testing.assert_allclose(widget.kernel, kernels[step], rtol=1e-6, atol=1e-7)
        assert widget.loss == pytest.approx(losses[step], rel=1e-6)
    assert widget.kernel.shape == (3, 3) and widget.kernel.dtype == np.float32


def test_a_rate_that_diverges_stops_and_the_rest_is_empty(widget):
    widget.rate = len(widget.rates) - 1  # 2.0
    losses = np.frombuffer(widget.losses, "<f4").reshape(len(widget.rates), 121)[-1]
    stop = int(np.argmax(~np.isfinite(losses)))
    assert 0 < stop < 120
    widget.step = stop
    assert np.isinf(widget.loss) and np.isnan(widget.kernel).all()


def test_it_starts_at_the_rate_closest_to_lr(pairs):
    images, targets, _ = pairs
    w = ch.learning_rate_explorer(images, targets, rates=[0.25, 0.5, 1.0], num_steps=3, lr=0.4)
    assert (w.rate, w.lr, w.step, w.hidden) == (1, 0.5, 3, b"")


@pytest.mark.parametrize(
    "change, message",
    [({"rate": 20}, "rate must be in 0..19, got 20"), ({"step": -1}, "step must be in 0..120")],
)
def test_sliders_refuse_positions_out_of_range(widget, change, message):
    with pytest.raises(ValueError, match=message):
        widget.set_trait(*next(iter(change.items())))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"rates": [0.5, 0.1]}, ValueError, "rates must be positive and increasing"),
        ({"rates": [0.0, 1.0]}, ValueError, "rates must be positive and increasing"),
        ({"rates": "fast"}, TypeError, "rates must be an array of numbers"),
        ({"hidden": np.ones((2, 2))}, ValueError, r"hidden must have the kernel's shape \(3, 3\)"),
        ({"num_steps": 0}, ValueError, "num_steps must be >= 1"),
    ],
)
def test_bad_input_names_the_argument(pairs, kwargs, error, message):
    images, targets, _ = pairs
    with pytest.raises(error, match=message):
        ch.learning_rate_explorer(images[:2], targets[:2], **{"num_steps": 2, **kwargs})


# --- the page -------------------------------------------------------------------------------

page_only = pytest.mark.skipif(missing() is not None, reason=str(missing()))

READ = """() => {
    const root = document.querySelector('[data-ch-widget="learning-rate"]');
    const chart = root.querySelector('canvas.ch-chart');
    const d = chart.getContext('2d').getImageData(0, 0, chart.width, chart.height).data;
    let purple = 0;
    for (let k = 0; k < d.length; k += 4) {
        if (d[k] === 94 && d[k + 1] === 60 && d[k + 2] === 153) purple++;  // #5e3c99
    }
    return {
        loss: Number(root.querySelector('[data-ch=loss]')?.textContent),
        text: root.textContent,
        readouts: [...root.querySelectorAll('.ch-readout')].map((r) => r.textContent),
        labels: [...root.querySelectorAll('input[type=range]')]
            .map((i) => i.getAttribute('aria-label')),
        cells: [...root.querySelectorAll('table.ch-table')].map((t) => t.hidden ? null
            : [...t.querySelectorAll('td')].map((c) => Number(c.textContent))),
        purple,
    };
}"""


@pytest.fixture
def page(widget_tab, widget, tmp_path):
    """The widget at learning rate 1.0 after its last step; no JavaScript error left behind."""
    widget.rate, widget.step = 9, widget.num_steps
    widget_tab.errors.clear()
    show(widget_tab, widget, tmp_path)
    yield widget_tab
    assert widget_tab.errors == []


@page_only
def test_the_page_shows_pythons_loss_and_kernel(page, widget):
    seen = page.evaluate(READ)
    assert seen["labels"] == ["learning rate", "step"] and seen["readouts"] == ["1.0", "120"]
    assert seen["loss"] == pytest.approx(widget.loss, rel=5e-3)
    np.testing.assert_allclose(seen["cells"][0], widget.kernel.ravel(), atol=0.006)
    np.testing.assert_array_equal(seen["cells"][1], ch.KERNELS["sobel y"].ravel())
    assert seen["purple"] > 100  # the chosen rate's curve is drawn


@page_only
def test_keys_step_the_page_without_python_and_python_follows(page, widget):
    step = page.locator(f"{ROOT} input[aria-label=step]")
    step.press("Home")
    for _ in range(3):
        step.press("ArrowRight")
    seen = page.evaluate(READ)
    assert seen["readouts"][1] == "3" and widget.step == 120  # Python has not been asked
    deliver(page, widget)
    assert widget.step == 3
    assert seen["loss"] == pytest.approx(widget.loss, rel=5e-3)


@page_only
def test_a_rate_that_diverges_says_where_it_stopped(page, widget):
    page.locator(f"{ROOT} input[aria-label='learning rate']").press("End")
    seen = page.evaluate(READ)
    deliver(page, widget)
    losses = np.frombuffer(widget.losses, "<f4").reshape(len(widget.rates), 121)[-1]
    stop = int(np.argmax(~(losses <= ch.DIVERGED * losses[0])))
    assert widget.lr == 2.0 and seen["readouts"][0] == "2.0"
    assert f"passed 10²⁰ times its start at step {stop}" in seen["text"]
    assert (
        seen["cells"][0] is None
        and f"No kernel after 120 steps: the descent stopped at step {stop}" in seen["text"]
    )
