"""Fast widget pictures: colours, enlargement, outlines, PNG bytes, HTML grids."""

import io
import re

import matplotlib.image as mpimg
import numpy as np
import pytest

from convhelpers import colorize, html_grid, outline, png_bytes, upscale


def test_colorize_gray_maps_the_range_to_black_and_white():
    rgb = colorize(np.array([[0, 255], [-10, 300]]), 0, 255)
    assert rgb.dtype == np.uint8 and rgb.shape == (2, 2, 3)
    np.testing.assert_array_equal(rgb[0, 0], [0, 0, 0])
    np.testing.assert_array_equal(rgb[0, 1], [255, 255, 255])
    np.testing.assert_array_equal(rgb[1], rgb[0])  # clipped
    with pytest.raises(ValueError, match="vmax must be greater than vmin"):
        colorize(np.zeros((2, 2)), 1, 1)


def test_png_decodes_to_the_same_pixels():
    rng = np.random.default_rng(0)
    rgb = upscale(colorize(rng.integers(0, 256, (7, 5)), 0, 255, "viridis"), 3)
    assert rgb.shape == (21, 15, 3)
    outline(rgb, 3, 3, 9, 6, (230, 97, 0))
    decoded = mpimg.imread(io.BytesIO(png_bytes(rgb)), format="png")  # floats 0-1
    np.testing.assert_array_equal(np.round(decoded[..., :3] * 255).astype(np.uint8), rgb)
    with pytest.raises(ValueError, match="rgb must be uint8"):
        png_bytes(np.zeros((3, 3)))


def test_outline_draws_only_the_border_and_clips():
    rgb = np.zeros((10, 10, 3), dtype=np.uint8)
    outline(rgb, 2, 2, 6, 6, (255, 0, 0), thickness=1)
    red = rgb[..., 0] == 255
    assert red[2, 2:8].all() and red[7, 2:8].all() and red[2:8, 2].all() and red[2:8, 7].all()
    assert not red[3:7, 3:7].any()  # inside untouched
    outline(rgb, 8, 8, 5, 5, (0, 255, 0))  # partly outside: no error
    assert rgb[9, 9, 1] == 255


def test_html_grid_shows_values_contrast_and_highlight():
    page = html_grid(
        np.array([[0, 255], [128, 7]]), vmin=0, vmax=255, highlight=(1, 0), caption="a <b>"
    )
    cells = re.findall(r"<td style=\"([^\"]*)\">([^<]*)</td>", page)
    assert [text for _, text in cells] == ["0", "255", "128", "7"]
    assert "color:#fff" in cells[0][0] and "color:#000" in cells[1][0]  # light text on black
    assert "3px solid" in cells[2][0] and "3px solid" not in cells[3][0]
    assert "a &lt;b&gt;" in page
    assert "-1.50" in html_grid(np.array([[-1.5]]), fmt="{:.2f}")


def test_outline_far_outside_the_image_paints_only_what_is_inside():
    rgb = np.zeros((20, 20, 3), dtype=np.uint8)
    outline(rgb, -3, -3, 8, 8, (255, 0, 0), thickness=2)
    painted = rgb[..., 0] == 255
    # only the bottom and right edges (rows/cols 3-4, within 0..4) fall inside the image
    assert painted.sum() == 2 * 5 + 2 * 5 - 4
    assert not painted[5:].any() and not painted[:, 5:].any()
    outline(rgb, 30, 30, 5, 5, (0, 255, 0))  # entirely outside: nothing happens
    assert not (rgb[..., 1] == 255).any()
