"""Smoke tests for the figures of notebooks 01-03: they draw, are labelled, return Axes/Figure."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import convhelpers as ch


@pytest.fixture(scope="module")
def digit():
    return ch.load_digits()[0][3]


def test_show_channels():
    fig = ch.show_channels(ch.load_photo())
    titles = [ax.get_title() for ax in fig.axes]
    assert any("red channel" in t for t in titles) and any("blue channel" in t for t in titles)
    assert sum("shape (600, 512" in t for t in titles) == 4
    with pytest.raises(ValueError, match="3 colour channels"):
        ch.show_channels(np.zeros((4, 4, 2)))


def test_show_pixel_histograms(digit):
    shuffled = ch.permute_pixels(digit, np.random.default_rng(0).permutation(784))
    _, ax = plt.subplots()
    assert ch.show_pixel_histograms(digit, shuffled, ax) is ax
    first, second = ax.get_lines()
    np.testing.assert_array_equal(first.get_ydata(), second.get_ydata())
    assert first.get_ydata().sum() == 784
    assert "pixel value" in ax.get_xlabel()


def test_show_reference_vectors():
    v = np.random.default_rng(0).normal(size=(10, 28, 28))
    _, ax = plt.subplots()
    assert ch.show_reference_vectors({"a": v, "b": -v}, ax, gap=3) is ax
    (image,) = ax.images
    mosaic = image.get_array()
    assert mosaic.shape == (2 * 28 + 3, 10 * 28 + 9 * 3)
    np.testing.assert_array_equal(mosaic[:28, 31 * 9 :], v[9])  # row "a", class 9
    np.testing.assert_array_equal(mosaic[31:, :28], -v[0])  # row "b", class 0
    assert image.get_clim() == (-np.abs(v).max(), np.abs(v).max())  # one scale, centred
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "class 9"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]


def test_plot_accuracy_vs_shift():
    _, ax = plt.subplots()
    shifts = np.arange(-2, 3)
    out = ch.plot_accuracy_vs_shift(shifts, {"dx": np.linspace(0, 1, 5)}, ax, chance=0.1)
    assert out is ax and len(ax.get_lines()) == 2
    assert ax.get_ylabel() and ax.get_xlabel() and ax.get_title()
    with pytest.raises(ValueError, match="has"):
        ch.plot_accuracy_vs_shift(shifts, {"dx": [0.5]}, ax)


def test_show_contributions(digit):
    model = ch.LinearModel(np.random.default_rng(0).normal(size=(784, 10)), np.zeros(10))
    fig = ch.show_contributions(model, {"a": digit, "b": ch.shift(digit, dy=4)}, 6, boundary=2.5)
    titles = [ax.get_title() for ax in fig.axes]
    score = float(model.scores(digit)[6])
    assert any(f"score for 6: {score:.2f}" in t for t in titles)
    legend = fig.axes[0].get_legend()
    assert legend is not None and "between rows 2 and 3" in legend.get_texts()[0].get_text()


def test_show_equivariance(digit):
    fig = ch.show_equivariance(digit, ch.get_kernel("sobel y"), dy=4)
    response = ch.conv2d(digit, ch.get_kernel("sobel y"), padding=1)
    titles = [ax.get_title() for ax in fig.axes]
    assert sum(f"max {response.max():.0f}" in t for t in titles) == 2
