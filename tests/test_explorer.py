"""KernelExplorer driven from Python: set the inputs, check its state and the data it sends the
page against conv2d. What the page draws from that data: test_explorer_page.py."""

import re

import numpy as np
import pytest
import traitlets

import convhelpers as ch

DIGIT = ch.load_digits()[0][0].astype(float)
SOBEL_X = ch.KERNELS["sobel x"]


def sent_maps(ke, trait="maps_bytes") -> list:
    """The stride-1 maps the page got (float64 bytes), [flip][padding]: flip off, then on, each
    one map per padding 0-3 cut at the shapes in frame["maps"]; None where the kernel does not
    fit."""
    values, start, maps = np.frombuffer(getattr(ke, trait), "<f8"), 0, [[], []]
    for flip in (0, 1):
        for shape in ke.frame["maps"]:
            size = 0 if shape is None else shape[0] * shape[1]
            maps[flip].append(
                None if shape is None else values[start : start + size].reshape(shape)
            )
            start += size
    assert start == values.size  # nothing left over
    return maps


def sent_map(ke) -> np.ndarray:
    """The map the page shows the sums of, at ke's flip, padding and stride: every stride-th
    value of the stride-1 map -> (Ho, Wo)."""
    return sent_maps(ke)[ke.flip][ke.padding][:: ke.stride, :: ke.stride]


def sent_learner_map(ke) -> np.ndarray:
    """The learner's map the page draws (NaN = no value), at ke's flip, padding and stride."""
    return sent_maps(ke, "learner_bytes")[ke.flip][ke.padding][:: ke.stride, :: ke.stride]


@pytest.fixture
def messages(monkeypatch):
    """watch(ke): from then on, the names of the traits in each message ke sends the page."""
    sent = []

    def record(msg, buffers=None):  # bytes travel as buffers, named in buffer_paths
        sent.append(set(msg["state"]) | {path[0] for path in msg["buffer_paths"]})

    def watch(ke):
        monkeypatch.setattr(ke, "_send", record)
        return sent

    return watch


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


# --- the explorer: default state and the data the page draws from -------------------


def test_default_shows_a_digit_and_sobel_x():
    ke = ch.KernelExplorer()
    np.testing.assert_array_equal(ke.kernel, ch.KERNELS["sobel x"])
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(DIGIT, ch.KERNELS["sobel x"]))
    np.testing.assert_array_equal(ke.feature_map, ke.reference_map)
    assert ke.output_shape == (26, 26)
    assert ke.preset == "sobel x" and ch.parse_kernel(ke.kernel_text).shape == (3, 3)
    assert ke.image_choice == "MNIST digit" and ke.note == "" and ke.kernel_message == ""
    assert ke.frame == {
        "image": [28, 28],
        "kernel": [3, 3],
        "maps": [[26, 26], [28, 28], [30, 30], [32, 32]],  # stride 1, padding 0-3
        "notes": [[["", "", ""]] * 4] * 2,  # no conv_fn: no note at any flip, padding, stride
        "range": [0.0, 255.0],
        "about": "MNIST digit #0 (a 3)",
    }


def test_the_page_gets_the_image_kernel_and_every_paddings_exact_map_as_bytes():
    ke = ch.KernelExplorer(padding=1, stride=2)
    np.testing.assert_array_equal(np.frombuffer(ke.image_bytes, "<f4").reshape(28, 28), DIGIT)
    np.testing.assert_array_equal(np.frombuffer(ke.kernel_bytes, "<f4").reshape(3, 3), SOBEL_X)
    for flip, maps in enumerate(sent_maps(ke)):  # float64: the sums exactly
        for padding, sent in enumerate(maps):
            expected = ch.conv2d(DIGIT, SOBEL_X, padding=padding, flip=bool(flip))
            np.testing.assert_array_equal(sent, expected)
    np.testing.assert_array_equal(sent_map(ke), ke.reference_map)  # what the page shows
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(DIGIT, SOBEL_X, padding=1, stride=2))
    assert ke.output_shape == (14, 14) and ke.learner_bytes == b""
    assert len(ke.gray_lut) == len(ke.signed_lut) == 768


def test_displays_itself_as_a_widget():
    ke = ch.KernelExplorer()
    data, _ = ke._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == ke.model_id
    assert 'data-ch-widget": "kernel-explorer"' in ke._esm  # the page's root, for browser tests


# --- moving the kernel ------------------------------------------------------------------


@pytest.mark.parametrize("i, j", [(0, 0), (9, 12), (25, 25), (13, 3)])
def test_row_and_col_give_the_patch_products_and_sum_of_conv2d(i, j):
    ke = ch.KernelExplorer()
    ke.row, ke.col = i, j
    k = ch.KERNELS["sobel x"]
    np.testing.assert_array_equal(ke.patch, DIGIT[i : i + 3, j : j + 3])
    np.testing.assert_allclose(ke.products, DIGIT[i : i + 3, j : j + 3] * k)
    expected = ch.conv2d(DIGIT, k)[i, j]
    assert ke.sum_value == pytest.approx(expected)
    assert sent_map(ke)[i, j] == expected  # what the page writes as the sum
    assert ke.position == i * 26 + j


def test_products_never_show_minus_zero():
    ke = ch.KernelExplorer()
    ke.row, ke.col = 9, 12
    zeros = ke.products == 0
    assert zeros.any() and not np.signbit(ke.products[zeros]).any()


def test_position_steps_row_by_row_and_stays_in_range():
    ke = ch.KernelExplorer()
    ke.position = 2 * 26 + 5
    assert (ke.row, ke.col) == (2, 5)
    ke.position = 26 * 26 - 1
    assert (ke.position, ke.row, ke.col) == (675, 25, 25)
    assert ke.sum_value == pytest.approx(ke.reference_map[25, 25])
    ke.position = 10_000  # past the end: the last position, as a slider would
    assert ke.position == 675
    ke.row, ke.col = -3, 40
    assert (ke.row, ke.col, ke.position) == (0, 25, 25)


def test_the_page_sets_position_row_and_col_together():
    ke = ch.KernelExplorer()
    ke.set_state({"position": 30, "row": 1, "col": 4})  # one message from a slider step
    assert (ke.position, ke.row, ke.col) == (30, 1, 4)
    ke.set_state({"position": 100})  # Play sends the position only
    assert (ke.row, ke.col) == (3, 22)


def test_moving_sends_no_new_data():
    """A step is drawn in the page: Python changes only position, row and col."""
    ke = ch.KernelExplorer()
    changed = []
    ke.observe(lambda change: changed.append(change.name))
    ke.row, ke.col = 9, 12
    ke.position = 400
    ke.playing, ke.interval = True, 30
    assert set(changed) == {"position", "row", "col", "playing", "interval"}


def test_play_speed_is_checked():
    ke = ch.KernelExplorer()
    with pytest.raises(traitlets.TraitError, match="interval"):
        ke.interval = 0


# --- padding and stride: picked from the maps sent once ------------------------------------


def test_padding_stride_and_flip_change_the_map_and_the_shape():
    ke = ch.KernelExplorer()
    ke.padding, ke.stride, ke.flip = 1, 2, True
    expected = ch.conv2d(DIGIT, SOBEL_X, stride=2, padding=1, flip=True)
    np.testing.assert_allclose(ke.reference_map, expected)
    assert expected.shape == ke.output_shape == (14, 14)
    np.testing.assert_array_equal(sent_map(ke), ke.reference_map)
    ke.row, ke.col = 6, 0  # touches the zero padding
    assert ke.sum_value == sent_map(ke)[6, 0] == pytest.approx(expected[6, 0])
    np.testing.assert_array_equal(ke.patch[:, 0], 0)  # the padded column
    np.testing.assert_allclose(ke.products, ke.patch * SOBEL_X[::-1, ::-1])
    assert ke.sum_value == pytest.approx(ke.products.sum())


@pytest.mark.parametrize("padding, stride", [(0, 2), (1, 1), (2, 3), (3, 2), (3, 3)])
def test_every_padding_and_stride_shows_conv2d(padding, stride):
    ke = ch.KernelExplorer("photo", "laplacian")
    ke.padding, ke.stride = padding, stride
    expected = ch.conv2d(ch.photo_crop(), ch.KERNELS["laplacian"], padding=padding, stride=stride)
    assert ke.output_shape == expected.shape == ((32 + 2 * padding - 3) // stride + 1,) * 2
    np.testing.assert_allclose(ke.reference_map, expected)
    np.testing.assert_array_equal(sent_map(ke), ke.reference_map)  # the page's numbers
    for i, j in [(0, 0), (expected.shape[0] - 1, 1), (4, expected.shape[1] - 1)]:
        ke.row, ke.col = i, j
        assert ke.sum_value == pytest.approx(expected[i, j])
        np.testing.assert_array_equal(
            ke.patch,
            np.pad(ch.photo_crop(), padding)[
                i * stride : i * stride + 3, j * stride : j * stride + 3
            ],
        )
        assert ke.sum_value == pytest.approx(ke.products.sum())


def test_padding_and_stride_send_no_new_data(messages):
    """The page picks the map for them from the stride-1 maps it has: nothing is recomputed
    or sent but the settings themselves (and the answer count)."""
    ke = ch.KernelExplorer()
    sent, maps = messages(ke), ke.maps_bytes
    ke.row, ke.col = 20, 20
    for padding, stride in [(1, 1), (3, 2), (0, 3), (2, 1), (0, 1)]:
        ke.set_state({"padding": padding, "stride": stride})  # as the page sends them
        assert ke.maps_bytes is maps
    settings = {"padding", "stride", "position", "row", "col", "answered"}
    assert sent and set().union(*sent) <= settings
    before = len(sent)
    ke.preset = "laplacian"  # the kernel is an input: new maps
    assert ke.maps_bytes != maps and "maps_bytes" in set().union(*sent[before:])


# --- flip: picked from the maps sent once, too ------------------------------------------------


@pytest.mark.parametrize("padding, stride", [(0, 1), (0, 2), (1, 1), (2, 3), (3, 2), (3, 3)])
def test_flip_from_python_shows_conv2d_with_flip_at_every_padding_and_stride(padding, stride):
    ke = ch.KernelExplorer("photo", "sobel x", padding=padding, stride=stride)
    ke.row, ke.col = 4, 5
    ke.flip = True
    expected = ch.conv2d(ch.photo_crop(), SOBEL_X, padding=padding, stride=stride, flip=True)
    assert not np.allclose(
        expected, ch.conv2d(ch.photo_crop(), SOBEL_X, padding=padding, stride=stride)
    )
    np.testing.assert_array_equal(ke.reference_map, expected)
    np.testing.assert_array_equal(sent_map(ke), expected)  # the page's numbers
    np.testing.assert_array_equal(ke.feature_map, expected)
    assert ke.output_shape == expected.shape and (ke.row, ke.col) == (4, 5)
    assert ke.sum_value == expected[4, 5]
    np.testing.assert_allclose(ke.products, ke.patch * SOBEL_X[::-1, ::-1])
    assert ke.sum_value == pytest.approx(ke.products.sum())
    ke.flip = False  # and back
    np.testing.assert_array_equal(
        ke.reference_map, ch.conv2d(ch.photo_crop(), SOBEL_X, padding=padding, stride=stride)
    )


def test_flip_sends_nothing_and_calls_no_conv_fn(messages):
    """Both flips' maps (and the learner's) were sent: ticking flip, from Python or the page,
    sends only the setting (and the answer count)."""
    calls = []

    def counting(image, kernel):
        calls.append(kernel.copy())
        return ch.conv2d(image, kernel)

    ke = ch.KernelExplorer(conv_fn=counting)
    assert len(calls) == 8  # padding 0-3, kernel as given and rotated
    np.testing.assert_array_equal(calls[0], SOBEL_X)
    np.testing.assert_array_equal(calls[4], SOBEL_X[::-1, ::-1])
    sent, maps, learner, frame = messages(ke), ke.maps_bytes, ke.learner_bytes, ke.frame
    ke.row, ke.col = 20, 20
    ke.flip = True
    ke.set_state({"flip": False})  # as the page sends it
    ke.set_state({"flip": True, "padding": 2})
    assert ke.maps_bytes is maps and ke.learner_bytes is learner and ke.frame is frame
    assert len(calls) == 8
    settings = {"flip", "padding", "stride", "position", "row", "col", "answered"}
    assert sent and set().union(*sent) <= settings and "flip" in set().union(*sent)
    np.testing.assert_array_equal(ke.reference_map, ch.conv2d(DIGIT, SOBEL_X, padding=2, flip=True))
    assert (ke.row, ke.col) == (20, 20)


def test_the_largest_image_sends_eight_maps_under_the_size_limit():
    """128 x 128 and a 1 x 1 kernel: the biggest maps there are, (128 + 2p)² for p = 0-3, twice
    (both flips), and a conv_fn's as many again."""
    from convhelpers.widgets.common import MAX_BYTES

    image = np.random.default_rng(0).normal(size=(128, 128))
    ke = ch.KernelExplorer(image, "2", conv_fn=ch.conv2d)
    per_flip = 8 * sum((128 + 2 * p) ** 2 for p in range(4))  # float64: 8 bytes a value
    assert per_flip == 549_312
    assert len(ke.maps_bytes) == len(ke.learner_bytes) == 2 * per_flip  # ≈ 1.1 MB each
    total = len(ke.maps_bytes) + len(ke.learner_bytes) + len(ke.image_bytes) + len(ke.kernel_bytes)
    assert total < MAX_BYTES


def test_the_shape_shrinks_and_the_position_stays_valid():
    ke = ch.KernelExplorer()
    ke.row, ke.col = 25, 25
    ke.stride = 3
    assert ke.output_shape == (9, 9)
    assert (ke.row, ke.col, ke.position) == (8, 8, 80)
    assert ke.sum_value == pytest.approx(ke.reference_map[8, 8])
    ke.stride, ke.padding = 1, 3  # (32, 32): row and col stay, the position follows
    assert (ke.row, ke.col, ke.position) == (8, 8, 8 * 32 + 8)
    ke.position = 32 * 32 - 1
    ke.padding = 0  # (26, 26)
    assert (ke.row, ke.col, ke.position) == (25, 25, 675)


# --- inputs Python answers ----------------------------------------------------------------


def test_every_input_is_answered_even_when_refused():
    """The page shows "no answer from Python" until `answered` has counted its request."""
    ke = ch.KernelExplorer()
    before = ke.answered
    for trait, value in [
        ("preset", "laplacian"),
        ("kernel_text", "1 x"),  # refused: not a number
        ("preset", "(typed in)"),  # nothing to do
        ("padding", 2),
        ("image_choice", "photo crop (32×32)"),
    ]:
        ke.set_state({trait: value})
    assert ke.answered == before + 5
    ke.row = 3  # moving is no request
    assert ke.answered == before + 5


def test_preset_menu_sets_the_kernel_and_its_text():
    ke = ch.KernelExplorer()
    ke.preset = "laplacian"
    np.testing.assert_array_equal(ke.kernel, ch.KERNELS["laplacian"])
    np.testing.assert_array_equal(ch.parse_kernel(ke.kernel_text), ch.KERNELS["laplacian"])
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(DIGIT, ch.KERNELS["laplacian"]))
    with pytest.raises(traitlets.TraitError, match="preset must be one of"):
        ke.preset = "blurry"


def test_typed_kernels_of_other_sizes_are_used():
    ke = ch.KernelExplorer()
    ke.kernel_text = "1 -1\n1 -1"
    np.testing.assert_array_equal(ke.kernel, [[1, -1], [1, -1]])
    assert ke.preset == "(typed in)" and ke.output_shape == (27, 27)
    assert ke.frame["kernel"] == [2, 2] and ke.frame["maps"][0] == [27, 27]
    ke.kernel_text = "-1 0 1\n-2 0 2\n-1 0 1"  # typing a preset's numbers names it
    assert ke.preset == "sobel x"


@pytest.mark.parametrize("text", ["1 2\n3", "1 x 2", "os.system('ls')", "1 2 3 4 5 6 7 8"])
def test_a_bad_kernel_shows_a_message_and_keeps_the_last_good_one(text):
    ke = ch.KernelExplorer()
    ke.kernel_text = "1 2\n3 4"
    good = ke.reference_map.copy()
    ke.kernel_text = text
    assert "still using the last good kernel" in ke.kernel_message
    np.testing.assert_array_equal(ke.kernel, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(ke.reference_map, good)
    ke.kernel_text = "1 0\n0 1"
    assert ke.kernel_message == ""


def test_the_example_image_comes_with_its_2x2_kernel():
    ke = ch.KernelExplorer()
    ke.image_choice = "4×4 example (2×2 kernel)"
    np.testing.assert_array_equal(ke.kernel, ch.EXAMPLE_KERNEL)
    assert ke.preset == "2×2 example" and ke.frame["range"] == [0.0, 9.0]
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(ch.EXAMPLE_IMAGE, ch.EXAMPLE_KERNEL))
    ke.row, ke.col = 0, 1
    assert ke.sum_value == 14  # (8 - 2) + (9 - 1): the dark-to-bright edge
    np.testing.assert_array_equal(ke.patch, [[2, 8], [1, 9]])


def test_a_kernel_too_big_for_the_image_is_refused():
    ke = ch.KernelExplorer("example")
    ke.kernel_text = "\n".join(["1 1 1 1 1"] * 5)
    assert "does not fit" in ke.kernel_message
    np.testing.assert_array_equal(ke.kernel, ch.EXAMPLE_KERNEL)
    ke.padding = 1  # now the typed 5x5 kernel fits the 6x6 padded image and is used
    assert ke.kernel.shape == (5, 5) and ke.reference_map.shape == (2, 2)
    assert ke.kernel_message == "" and ke.preset == "(typed in)"
    assert ke.frame["maps"] == [None, [2, 2], [4, 4], [6, 6]]  # the page knows where it fits
    ke.padding = 0  # would not fit any more: padding goes back
    assert ke.padding == 1 and "padding set back to 1" in ke.kernel_message
    five = np.ones((5, 5))
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(ch.EXAMPLE_IMAGE, five, padding=1))
    ke.stride = 2  # a setting that fits: the old message goes
    assert ke.kernel_message == "" and ke.output_shape == (1, 1)


def test_a_typed_kernel_waits_for_a_padding_it_fits(messages):
    ke = ch.KernelExplorer("example")
    ke.kernel_text = "\n".join(["1 1 1 1 1 1"] * 6)  # 6x6: fits the 4x4 image at padding 1+
    assert "does not fit" in ke.kernel_message and ke.kernel.shape == (2, 2)
    sent = messages(ke)
    ke.stride = 2  # no use to it: nothing is recomputed
    assert "does not fit" in ke.kernel_message and "maps_bytes" not in set().union(*sent)
    ke.padding = 1  # it fits now: used, new maps sent
    assert ke.kernel.shape == (6, 6) and "maps_bytes" in set().union(*sent)
    np.testing.assert_allclose(
        ke.reference_map, ch.conv2d(ch.EXAMPLE_IMAGE, np.ones((6, 6)), padding=1, stride=2)
    )


def test_photo_and_own_images():
    ke = ch.KernelExplorer("photo", "box blur")
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(ch.photo_crop(), ch.KERNELS["box blur"]))
    own = np.arange(30.0).reshape(5, 6)
    ke = ch.KernelExplorer(own, [[1, 0], [0, -1]])
    assert ke.image_choice == "your image (5, 6)" and "your image (5, 6)" in ke.image_options
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(own, [[1, 0], [0, -1]]))
    np.testing.assert_array_equal(ke.image, own)
    ke.image_choice = "MNIST digit"
    ke.image_choice = "your image (5, 6)"
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(own, [[1, 0], [0, -1]]))
    assert ke.frame["range"] == [0.0, 29.0]
    with pytest.raises(traitlets.TraitError, match="image_choice must be one of"):
        ke.image_choice = "a cat"


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"image": "cat"}, ValueError, "image must be an array or one of"),
        ({"image": np.zeros((200, 200))}, ValueError, "between 2×2 and 128×128"),
        ({"image": np.zeros(5)}, ValueError, "image must be 2-D"),
        ({"image": "digit", "kernel": "blurry"}, ValueError, "'blurry' in row 1 is not a number"),
        ({"kernel": np.ones((9, 9))}, ValueError, "at most 7×7"),
        ({"kernel": [["a"]]}, TypeError, "kernel must be an array of numbers"),
        ({"padding": 4}, ValueError, "padding must be 0-3"),
        ({"stride": 0}, ValueError, "stride must be >= 1"),
        ({"padding": 1.5}, TypeError, "padding must be an integer"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        ch.KernelExplorer(**kwargs)


# --- a learner's conv_fn ---------------------------------------------------------------------


def test_a_right_conv_fn_draws_the_map_and_says_so():
    ke = ch.KernelExplorer(conv_fn=ch.conv2d_naive)
    np.testing.assert_allclose(ke.feature_map, ke.reference_map)
    np.testing.assert_allclose(sent_learner_map(ke), ke.reference_map)
    assert "✅" in ke.note and "conv2d_naive" in ke.note
    ke.padding, ke.stride, ke.flip = 2, 3, True  # still right
    np.testing.assert_allclose(ke.feature_map, ke.reference_map)
    assert "✅" in ke.note and "every 3-th value" in ke.note


@pytest.mark.parametrize(
    "name, fn, right",
    [
        # uses the kernel it gets as it is: right with either flip (the explorer rotates it)
        ("as given", ch.conv2d_naive, (True, True)),
        # ignores the kernel it gets and uses Sobel x as written: right only with flip off
        ("its own sobel x", lambda im, k: ch.conv2d_naive(im, SOBEL_X), (True, False)),
        # rotates the kernel it gets, so with flip on it is rotated twice: wrong with both
        ("flips it again", lambda im, k: ch.conv2d_naive(im, k[::-1, ::-1]), (False, False)),
    ],
)
def test_the_learners_note_is_right_for_each_flip(name, fn, right):
    ke = ch.KernelExplorer(conv_fn=fn)
    for flip in (False, True):
        ke.flip = flip
        assert ("✅" in ke.note) == right[flip] and ("❌" in ke.note) != right[flip], (name, flip)
        assert ("the flipped kernel" in ke.note) == flip
        expected = ch.conv2d(DIGIT, SOBEL_X, flip=flip)
        np.testing.assert_array_equal(ke.reference_map, expected)
        assert np.allclose(ke.feature_map, expected) == right[flip]
        np.testing.assert_array_equal(sent_learner_map(ke), ke.feature_map)  # the page's map
        ke.stride = 2  # the note follows the stride too
        assert ("✅" in ke.note) == right[flip] and "every 2-th value" in ke.note
        ke.stride = 1


def test_a_flipping_conv_fn_shows_its_wrong_map_and_a_note():
    ke = ch.KernelExplorer(conv_fn=lambda im, k: ch.conv2d_naive(im, k[::-1, ::-1]))
    np.testing.assert_allclose(ke.feature_map, ch.conv2d(DIGIT, ch.KERNELS["sobel x"], flip=True))
    np.testing.assert_allclose(sent_learner_map(ke), ke.feature_map)
    assert "❌" in ke.note and "kernel is flipped" in ke.note
    ke.row, ke.col = 9, 12
    assert ke.sum_value == pytest.approx(ke.reference_map[9, 12])  # the true sum
    assert sent_map(ke)[9, 12] == ke.reference_map[9, 12] != ke.feature_map[9, 12]


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
    assert note in ke.note and "❌" in ke.note
    assert np.isnan(ke.feature_map).all() and ke.feature_map.shape == (26, 26)
    assert np.isnan(sent_learner_map(ke)).all()
    ke.row = 4  # moving still works
    assert ke.sum_value == pytest.approx(ke.reference_map[4, 0])


def test_a_wrong_shape_shows_what_fits():
    ke = ch.KernelExplorer(conv_fn=lambda im, k: ch.conv2d_naive(im, k)[:20, :20])
    assert "output shape (20, 20)" in ke.note
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
    # padding 0-3 with the kernel as given, then rotated (flip)
    assert seen == [(28, 28), (30, 30), (32, 32), (34, 34)] * 2 and ke.conv_fn is spy
    np.testing.assert_allclose(ke.reference_map, ch.conv2d(DIGIT, ch.KERNELS["sobel x"]))
    np.testing.assert_array_equal(ke.image, DIGIT)
    assert "❌" in ke.note and "changed its input image in place" in ke.note
    ke.conv_fn = None
    assert ke.note == "" and ke.learner_bytes == b""
    np.testing.assert_array_equal(ke.feature_map, ke.reference_map)


def digit_only_conv2d(image, kernel):
    """A learner's loop with the sizes of the 28x28 digit and a 3x3 kernel written in."""
    digit_only_conv2d.calls.append(image.shape)
    out = np.zeros((26, 26))
    for i in range(26):
        for j in range(26):
            out[i, j] = np.sum(image[i : i + 3, j : j + 3] * kernel)
    return out


def test_the_note_follows_padding_and_stride_without_calling_conv_fn_again(messages):
    digit_only_conv2d.calls = []
    ke = ch.KernelExplorer(conv_fn=digit_only_conv2d)
    assert digit_only_conv2d.calls == [(28, 28), (30, 30), (32, 32), (34, 34)] * 2  # 2 flips
    assert "✅" in ke.note and "matches conv2d" in ke.note  # right at padding 0
    sent = messages(ke)
    ke.padding = 1  # the padded image is 30x30: the written-in 26 is wrong now
    assert "❌" in ke.note and "output shape (26, 26)" in ke.note
    np.testing.assert_allclose(ke.feature_map[:26, :26], ke.reference_map[:26, :26])
    assert np.isnan(ke.feature_map[26:]).all() and np.isnan(ke.feature_map[:, 26:]).all()
    np.testing.assert_array_equal(sent_learner_map(ke), ke.feature_map)  # what the page draws
    ke.stride = 2
    assert ke.feature_map.shape == (14, 14) and "❌" in ke.note and "every 2-th value" in ke.note
    ke.padding = 0
    assert "✅" in ke.note and "every 2-th value" in ke.note
    np.testing.assert_allclose(ke.feature_map, ch.conv2d(DIGIT, SOBEL_X, stride=2))
    assert len(digit_only_conv2d.calls) == 8  # padding and stride called nothing
    assert "learner_bytes" not in set().union(*sent)


def test_with_stride_the_learner_map_keeps_every_stride_th_value():
    ke = ch.KernelExplorer(stride=2, conv_fn=ch.conv2d_naive)
    assert ke.feature_map.shape == ke.output_shape == (13, 13)
    np.testing.assert_allclose(ke.feature_map, ch.conv2d(DIGIT, ch.KERNELS["sobel x"], stride=2))


class Weird:
    """A return value no numpy function can read."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")


@pytest.mark.parametrize("fn", [lambda im, k: Weird(), lambda im, k: [[1, 2], [3]]])
def test_odd_return_values_give_a_note_not_an_error(fn):
    ke = ch.KernelExplorer(np.arange(12.0).reshape(2, 6), "1 0 -1", conv_fn=fn)
    assert "❌" in ke.note and np.isnan(ke.feature_map).all()
    ke.col = 3
    assert ke.sum_value == pytest.approx(ke.reference_map[0, 3])
