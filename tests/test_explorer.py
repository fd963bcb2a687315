"""KernelExplorer driven from Python: set the controls, check what is displayed against conv2d."""

import io
import re

import numpy as np
import pytest
from PIL import Image

import convhelpers as ch
from convhelpers import explorer as ex

DIGIT = ch.load_digits()[0][0].astype(float)


def picture(widget) -> np.ndarray:
    """Decode an ipywidgets.Image's PNG bytes -> uint8 (H, W, 3)."""
    return np.asarray(Image.open(io.BytesIO(widget.value)).convert("RGB"))


def shown_sum(ke) -> float:
    """The number in the sum widget's <span class="ke-sum-value">, as a browser would read it."""
    return float(re.search(r'class="ke-sum-value"[^>]*>([^<]+)<', ke.sum_view.value).group(1))


def cell_colour(ke, rgb, i, j) -> np.ndarray:
    """The colour at the centre of feature-map cell (i, j) in the displayed picture."""
    s = ke._map_scale
    return rgb[ex.MARGIN + i * s + s // 2, ex.MARGIN + j * s + s // 2]


# --- parse_kernel -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("-1 0 1\n-2 0 2\n-1 0 1", ch.KERNELS["sobel x"]),
        ("-1, 0, 1; -2, 0, 2; -1, 0, 1", ch.KERNELS["sobel x"]),
        ("[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]", ch.KERNELS["sobel x"]),
        ("  −1 0 1 \n\n −2 0 2\n−1 0 1\n", ch.KERNELS["sobel x"]),  # unicode minus, blank line
        ("1/9 1/9\n1/9 1/9", np.full((2, 2), 1 / 9)),
        ("1 -1", np.array([[1.0, -1.0]])),
        ("2.5e-1", np.array([[0.25]])),
    ],
)
def test_parse_kernel_reads_numbers(text, expected):
    kernel = ch.parse_kernel(text)
    assert kernel.dtype == np.float64
    np.testing.assert_allclose(kernel, expected)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        (" \n ;", "empty"),
        ("1 2\n3", "row 2 has 1 numbers but row 1 has 2"),
        ("1 x\n2 3", "'x' in row 1 is not a number"),
        ("__import__('os')", "is not a number"),
        ("1 nan", "not a finite number"),
        ("inf 1", "not a finite number"),
        ("1/0 1", "'1/0' in row 1 is not a number"),
        ("1/2/3", "is not a number"),
        ("\n".join(["1 " * 8] * 8), "at most 7×7"),
    ],
)
def test_parse_kernel_refuses_bad_text(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        ch.parse_kernel(text)


def test_parse_kernel_needs_a_string():
    with pytest.raises(TypeError, match="text must be a string"):
        ch.parse_kernel([[1, 0], [0, 1]])


# --- images -----------------------------------------------------------------------------


def test_photo_crop_is_a_small_gray_face():
    crop = ch.photo_crop()
    assert crop.shape == (32, 32) and crop.dtype == np.float64
    assert 0 <= crop.min() < crop.max() <= 255
    assert ch.photo_crop(64).shape == (64, 64)
    np.testing.assert_array_equal(crop, crop.round())  # whole numbers, like pixels
    assert abs(ch.photo_crop(64).mean() - crop.mean()) < 0.5  # the same square, averaged
    with pytest.raises(ValueError, match="size must divide 192"):
        ch.photo_crop(30)


# --- the explorer: default state --------------------------------------------------------


def test_default_shows_a_digit_and_sobel_x():
    ke = ch.KernelExplorer()
    np.testing.assert_array_equal(ke.kernel, ch.KERNELS["sobel x"])
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(DIGIT, ch.KERNELS["sobel x"]))
    assert ke.feature_map is ke.reference_map
    assert (ke.row.max, ke.col.max, ke.position.max, ke.play.max) == (25, 25, 675, 675)
    assert ke.preset.value == "sobel x"
    assert "(28, 28)" in ke.image_title.value and "(26, 26)" in ke.feature_map_title.value
    assert "(28 + 2·0 − 3) // 1 + 1 = <b>26</b>" in ke.formula.value
    assert bytes(ke.image_view.value).startswith(b"\x89PNG")
    assert ke.note.value == ""


def test_controls_and_panels_have_css_classes():
    ke = ch.KernelExplorer()
    for name in ["row", "col", "position", "play", "preset", "kernel-text", "flip", "padding"]:
        assert f"ke-{name}" in getattr(ke, name.replace("-", "_"))._dom_classes
    for widget, name in [
        (ke.image_view, "ke-image"),
        (ke.feature_map_view, "ke-featuremap"),
        (ke.products_view, "ke-products"),
        (ke.sum_view, "ke-sum"),
        (ke.widget, "ke-root"),
    ]:
        assert name in widget._dom_classes


def test_displays_itself_as_its_root_widget():
    ke = ch.KernelExplorer()
    bundle = ke._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ke.widget.model_id


# --- moving the kernel ------------------------------------------------------------------


@pytest.mark.parametrize("i, j", [(0, 0), (9, 12), (25, 25), (13, 3)])
def test_row_and_col_show_the_patch_products_and_sum_of_conv2d(i, j):
    ke = ch.KernelExplorer()
    ke.row.value, ke.col.value = i, j
    k = ch.KERNELS["sobel x"]
    np.testing.assert_array_equal(ke.patch, DIGIT[i : i + 3, j : j + 3])
    np.testing.assert_allclose(ke.products, DIGIT[i : i + 3, j : j + 3] * k)
    expected = ch.conv2d(DIGIT, k)[i, j]
    assert ke.sum_value == pytest.approx(expected)
    assert shown_sum(ke) == pytest.approx(expected)
    assert f"feature map[{i}, {j}]" in ke.sum_view.value
    assert ke.position.value == i * 26 + j


def test_the_products_grid_shows_each_product():
    ke = ch.KernelExplorer()
    ke.row.value, ke.col.value = 9, 12
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", ke.products_view.value)
    assert [float(c) for c in cells] == pytest.approx(ke.products.ravel().tolist())
    assert "-0" not in cells


def test_position_and_play_step_row_by_row():
    ke = ch.KernelExplorer()
    ke.position.value = 2 * 26 + 5
    assert (ke.row.value, ke.col.value) == (2, 5)
    ke.play.value = 26 * 26 - 1  # the Play control moves the same position
    assert (ke.position.value, ke.row.value, ke.col.value) == (675, 25, 25)
    assert ke.sum_value == pytest.approx(ke.reference_map[25, 25])


def test_the_feature_map_fills_in_up_to_the_current_cell():
    ke = ch.KernelExplorer()
    ke.row.value, ke.col.value = 10, 12
    rgb = picture(ke.feature_map_view)
    m = np.abs(ke.reference_map).max()
    colours = ch.colorize(ke.reference_map, -m, m, "RdBu_r")
    for i, j in [(0, 0), (9, 25), (10, 11), (5, 17)]:  # reached
        np.testing.assert_array_equal(cell_colour(ke, rgb, i, j), colours[i, j])
    for i, j in [(10, 13), (11, 0), (25, 25)]:  # not yet
        np.testing.assert_array_equal(cell_colour(ke, rgb, i, j), ex._NOT_YET)
    np.testing.assert_array_equal(cell_colour(ke, rgb, 10, 12), colours[10, 12])
    s, y, x = ke._map_scale, ex.MARGIN + 10 * ke._map_scale, ex.MARGIN + 12 * ke._map_scale
    assert (rgb[y - 3, x : x + s] == 0).all()  # the black ring just above the current cell


def test_the_patch_is_outlined_on_the_image():
    ke = ch.KernelExplorer()
    ke.row.value, ke.col.value = 4, 7
    rgb = picture(ke.image_view)
    s, m = ke._scale, ex.MARGIN
    assert rgb.shape == (28 * s + 2 * m, 28 * s + 2 * m, 3)
    orange = (rgb == ex._PATCH_COLOUR).all(axis=2)
    rows, cols = np.nonzero(orange)
    assert (rows.min(), rows.max()) == (m + 4 * s - 2, m + 7 * s + 1)  # 3 pixels, 2 px outside
    assert (cols.min(), cols.max()) == (m + 7 * s - 2, m + 10 * s + 1)


def test_widgets_are_updated_in_place():
    ke = ch.KernelExplorer()
    before = [ke.image_view, ke.feature_map_view, ke.sum_view, ke.widget.children]
    ke.row.value = 3
    ke.padding.value = 2
    ke.image_choice.value = "photo crop (32×32)"
    assert [ke.image_view, ke.feature_map_view, ke.sum_view, ke.widget.children] == before


# --- settings -----------------------------------------------------------------------------


def test_padding_stride_and_flip_change_the_map_and_the_ranges():
    ke = ch.KernelExplorer()
    ke.padding.value, ke.stride.value, ke.flip.value = 1, 2, True
    k = ch.KERNELS["sobel x"]
    expected = ch.conv2d(DIGIT, k, stride=2, padding=1, flip=True)
    np.testing.assert_allclose(ke.reference_map, expected)
    assert expected.shape == (14, 14) and (ke.row.max, ke.col.max, ke.position.max) == (13, 13, 195)
    assert "(28 + 2·1 − 3) // 2 + 1 = <b>14</b>" in ke.formula.value
    assert "flipped kernel" in ke.kernel_view.value and "rotated 180°" in ke.products_title.value
    ke.row.value, ke.col.value = 6, 0  # touches the zero padding
    assert shown_sum(ke) == pytest.approx(expected[6, 0])
    np.testing.assert_array_equal(ke.patch[:, 0], 0)  # the padded column
    np.testing.assert_allclose(ke.products, ke.patch * k[::-1, ::-1])


def test_ranges_shrink_and_the_position_stays_valid():
    ke = ch.KernelExplorer()
    ke.row.value, ke.col.value = 25, 25
    ke.stride.value = 3
    assert ke.row.max == ke.col.max == 8
    assert (ke.row.value, ke.col.value, ke.position.value) == (8, 8, 80)
    assert shown_sum(ke) == pytest.approx(ke.reference_map[8, 8])


def test_preset_menu_sets_the_kernel_and_its_text():
    ke = ch.KernelExplorer()
    ke.preset.value = "laplacian"
    np.testing.assert_array_equal(ke.kernel, ch.KERNELS["laplacian"])
    np.testing.assert_array_equal(ch.parse_kernel(ke.kernel_text.value), ch.KERNELS["laplacian"])
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(DIGIT, ch.KERNELS["laplacian"]))


def test_typed_kernels_of_other_sizes_are_used():
    ke = ch.KernelExplorer()
    ke.kernel_text.value = "1 -1\n1 -1"
    np.testing.assert_array_equal(ke.kernel, [[1, -1], [1, -1]])
    assert ke.preset.value == "(typed in)" and ke.reference_map.shape == (27, 27)
    assert ke.row.max == 26 and "(28 + 2·0 − 2) // 1 + 1 = <b>27</b>" in ke.formula.value
    ke.kernel_text.value = "-1 0 1\n-2 0 2\n-1 0 1"  # typing a preset's numbers names it
    assert ke.preset.value == "sobel x"


@pytest.mark.parametrize("text", ["1 2\n3", "1 x 2", "os.system('ls')", "1 2 3 4 5 6 7 8"])
def test_a_bad_kernel_shows_a_message_and_keeps_the_last_good_one(text):
    ke = ch.KernelExplorer()
    ke.kernel_text.value = "1 2\n3 4"
    good = ke.reference_map.copy()
    ke.kernel_text.value = text
    assert "still using the last good kernel" in ke.kernel_message.value
    np.testing.assert_array_equal(ke.kernel, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(ke.reference_map, good)
    ke.kernel_text.value = "1 0\n0 1"
    assert ke.kernel_message.value == ""


def test_the_example_image_comes_with_its_2x2_kernel():
    ke = ch.KernelExplorer()
    ke.image_choice.value = "4×4 example (2×2 kernel)"
    np.testing.assert_array_equal(ke.kernel, ch.EXAMPLE_KERNEL)
    assert ke.preset.value == "2×2 example"
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(ch.EXAMPLE_IMAGE, ch.EXAMPLE_KERNEL))
    ke.row.value, ke.col.value = 0, 1
    assert shown_sum(ke) == 14  # (8 - 2) + (9 - 1): the dark-to-bright edge
    assert "2×1 + 8×(-1)" not in ke.sum_view.value  # terms are patch × kernel, in order
    assert "2×(-1) + 8×1 + 1×(-1) + 9×1" in ke.sum_view.value


def test_a_kernel_too_big_for_the_image_is_refused():
    ke = ch.KernelExplorer("example")
    ke.kernel_text.value = "\n".join(["1 1 1 1 1"] * 5)
    assert "does not fit" in ke.kernel_message.value
    np.testing.assert_array_equal(ke.kernel, ch.EXAMPLE_KERNEL)
    ke.padding.value = 1  # now the typed 5x5 kernel fits the 6x6 padded image and is used
    assert ke.kernel.shape == (5, 5) and ke.reference_map.shape == (2, 2)
    assert ke.kernel_message.value == "" and ke.preset.value == "(typed in)"
    ke.padding.value = 0  # would not fit any more: padding goes back
    assert ke.padding.value == 1 and "padding set back to 1" in ke.kernel_message.value


def test_photo_and_own_images():
    ke = ch.KernelExplorer("photo", "box blur")
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(ch.photo_crop(), ch.KERNELS["box blur"]))
    own = np.arange(30.0).reshape(5, 6)
    ke = ch.KernelExplorer(own, [[1, 0], [0, -1]])
    assert ke.image_choice.value == "your image (5, 6)"
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(own, [[1, 0], [0, -1]]))
    ke.image_choice.value = "MNIST digit"
    ke.image_choice.value = "your image (5, 6)"
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(own, [[1, 0], [0, -1]]))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"image": "cat"}, ValueError, "image must be an array or one of"),
        ({"image": np.zeros((200, 200))}, ValueError, "between 2×2 and 128×128"),
        ({"image": np.zeros(5)}, ValueError, "image must be 2-D"),
        ({"image": "digit", "kernel": "blurry"}, ValueError, "'blurry' in row 1 is not a number"),
        ({"kernel": np.ones((9, 9))}, ValueError, "at most 7×7"),
        ({"kernel": [["a"]]}, TypeError, "kernel must be an array of numbers"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        ch.KernelExplorer(**kwargs)


# --- a learner's conv_fn ---------------------------------------------------------------------


def test_a_right_conv_fn_draws_the_map_and_says_so():
    ke = ch.KernelExplorer(conv_fn=ch.conv2d_naive)
    np.testing.assert_allclose(ke.feature_map, ke.reference_map)
    assert "✅" in ke.note.value and "conv2d_naive" in ke.note.value
    ke.padding.value, ke.stride.value, ke.flip.value = 2, 3, True  # still right
    np.testing.assert_allclose(ke.feature_map, ke.reference_map)
    assert "✅" in ke.note.value and "every 3-th value" in ke.note.value
    assert "your conv_fn gave" not in ke.sum_view.value


def test_a_flipping_conv_fn_shows_its_wrong_map_and_a_note():
    ke = ch.KernelExplorer(conv_fn=lambda im, k: ch.conv2d_naive(im, k[::-1, ::-1]))
    np.testing.assert_allclose(ke.feature_map, ch.conv2d(DIGIT, ch.KERNELS["sobel x"], flip=True))
    assert "❌" in ke.note.value and "kernel is flipped" in ke.note.value
    ke.row.value, ke.col.value = 9, 12
    assert shown_sum(ke) == pytest.approx(ke.reference_map[9, 12])  # the true sum
    assert f"your conv_fn gave <b>{ke.feature_map[9, 12]:.6g}</b>" in ke.sum_view.value
    rgb = picture(ke.feature_map_view)
    m = np.abs(ke.feature_map).max()
    theirs = ch.colorize(ke.feature_map, -m, m, "RdBu_r")
    np.testing.assert_array_equal(cell_colour(ke, rgb, 9, 5), theirs[9, 5])


@pytest.mark.parametrize(
    "fn, note",
    [
        (lambda im, k: None, "returned None"),
        (lambda im, k: 1 / 0, "raised ZeroDivisionError: division by zero"),
        (lambda im, k: "map", "returned a str"),
        (lambda im, k: np.zeros((3, 3, 3)), "3-D array"),
    ],
)
def test_a_broken_conv_fn_never_raises_and_leaves_the_map_empty(fn, note):
    ke = ch.KernelExplorer(conv_fn=fn)
    assert note in ke.note.value and "❌" in ke.note.value
    assert np.isnan(ke.feature_map).all() and ke.feature_map.shape == (26, 26)
    ke.row.value = 4  # moving still works
    assert shown_sum(ke) == pytest.approx(ke.reference_map[4, 0])
    assert "gave no value for this cell" in ke.sum_view.value
    assert "no value from your function" in ke.feature_map_legend.value


def test_a_wrong_shape_shows_what_fits():
    ke = ch.KernelExplorer(conv_fn=lambda im, k: ch.conv2d_naive(im, k)[:20, :20])
    assert "output shape (20, 20)" in ke.note.value
    np.testing.assert_allclose(ke.feature_map[:20, :20], ke.reference_map[:20, :20])
    assert np.isnan(ke.feature_map[20:]).all() and np.isnan(ke.feature_map[:, 20:]).all()


def test_conv_fn_can_be_set_later_and_gets_copies():
    ke = ch.KernelExplorer()
    seen = []

    def spy(image, kernel):
        seen.append(image.shape)
        image[:] = 0  # must not damage the explorer's picture
        return ch.conv2d_naive(np.pad(DIGIT, 0), kernel)

    ke.conv_fn = spy
    assert seen == [(28, 28)] and ke.conv_fn is spy
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(DIGIT, ch.KERNELS["sobel x"]))
    assert "❌" in ke.note.value and "changed its input image in place" in ke.note.value
    ke.conv_fn = None
    assert ke.note.value == "" and ke.feature_map is ke.reference_map


def test_with_stride_each_map_cell_is_as_wide_as_its_stride():
    ke = ch.KernelExplorer(stride=2)
    ke.row.value, ke.col.value = 6, 3
    rgb = picture(ke.feature_map_view)
    assert ke._map_scale == 2 * ke._scale
    assert rgb.shape[0] == 13 * ke._map_scale + 2 * ex.MARGIN  # 13 cells of the (13, 13) map
    m = np.abs(ke.reference_map).max()
    colours = ch.colorize(ke.reference_map, -m, m, "RdBu_r")
    np.testing.assert_array_equal(cell_colour(ke, rgb, 5, 12), colours[5, 12])
    np.testing.assert_array_equal(cell_colour(ke, rgb, 6, 4), ex._NOT_YET)
    assert ke.image_view.layout.width == f"{picture(ke.image_view).shape[1]}px"


class Weird:
    """A return value no numpy function can read."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")


@pytest.mark.parametrize("fn", [lambda im, k: Weird(), lambda im, k: [[1, 2], [3]]])
def test_odd_return_values_give_a_note_not_an_error(fn):
    ke = ch.KernelExplorer(np.arange(12.0).reshape(2, 6), "1 0 -1", conv_fn=fn)
    assert "❌" in ke.note.value and np.isnan(ke.feature_map).all()
    ke.col.value = 3
    assert shown_sum(ke) == pytest.approx(ke.reference_map[0, 3])
