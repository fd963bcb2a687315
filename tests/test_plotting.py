"""Smoke tests for the figure helpers: they draw, label and return what they say."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from convhelpers import load_photo, show_gallery, show_image, show_softmax, show_values


def test_show_image_labels_shape_and_colorbar():
    fig, ax = plt.subplots()
    image = np.arange(12, dtype=np.uint8).reshape(3, 4)
    assert show_image(image, ax, title="tiny") is ax
    assert "tiny" in ax.get_title() and "(3, 4)" in ax.get_title() and "uint8" in ax.get_title()
    assert ax.get_xlabel() and ax.get_ylabel()
    assert ax.images[0].get_clim() == (0, 255)
    assert len(fig.axes) == 2  # the colour bar
    ax2 = show_image(load_photo())  # RGB: no colour bar, ax=None uses the current axes
    assert "(600, 512, 3)" in ax2.get_title()
    with pytest.raises(ValueError, match="image must be"):
        show_image(np.zeros((2, 2, 2, 2)))


def test_show_values_writes_every_value_with_contrast():
    image = np.array([[0, 255], [10, 200]], dtype=np.uint8)
    ax = show_values(image)
    texts = {t.get_text(): t.get_color() for t in ax.texts}
    assert texts == {"0": "white", "255": "black", "10": "white", "200": "black"}


def test_show_gallery():
    images = np.zeros((7, 28, 28), dtype=np.uint8)
    fig = show_gallery(images, labels=list("abcdefg"), ncols=4, title="examples")
    assert len(fig.axes) == 8
    assert [ax.get_title() for ax in fig.axes[:7]] == list("abcdefg")
    assert "7 images of 28×28" in fig._suptitle.get_text()


def test_small_grids_get_whole_pixel_ticks_and_a_custom_colorbar_label():
    fig, ax = plt.subplots()
    show_values(np.array([[1.5, -2.0], [0.0, 3.0]]), ax, fmt="{:.1f}", colorbar_label="weight")
    assert all(float(t).is_integer() for t in ax.get_xticks())
    assert fig.axes[1].get_ylabel() == "weight"


def test_show_softmax_draws_the_probabilities_and_the_loss_of_the_true_class():
    fig, ax = plt.subplots()
    scores = np.array([2.0, 0.0, np.log(2.0), -1.0])  # e^s: e^2, 1, 2, 1/e
    assert show_softmax(scores, 2, ax, title="one digit") is ax
    heights = np.array([bar.get_height() for bar in ax.patches])
    expected = np.exp(scores) / np.exp(scores).sum()
    np.testing.assert_allclose(heights, expected)
    assert ax.patches[2].get_hatch() == "//" and ax.patches[0].get_hatch() is None
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "0\n+2.0",
        "1\n+0.0",
        "2\n+0.7",
        "3\n-1.0",
    ]
    p = expected[2]
    assert f"p(true class) = {p:.2f}" in ax.get_title()
    assert f"= {-np.log(p):.2f}" in ax.get_title() and "one digit" in ax.get_title()
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_ylim() == (0, 1)
    assert ax.get_legend().get_texts()[0].get_text() == "true class (2)"
    with pytest.raises(ValueError, match="true_class must be a class in 0..3"):
        show_softmax(scores, 4)
    with pytest.raises(ValueError, match="scores must be 1-D"):
        show_softmax(np.zeros((2, 3)), 0)
