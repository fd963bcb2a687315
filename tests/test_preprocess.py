"""mnist_preprocess: drawings made into digits the way MNIST's were made."""

import numpy as np
import pytest
from scipy import ndimage

import convhelpers as ch

X, Y = ch.load_digits()


def long_side(image) -> int:
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    return int(max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1))


def centre_of_mass(image) -> np.ndarray:
    return np.array(ndimage.center_of_mass(image.astype(float)))


def enlarged(digit, factor: float) -> np.ndarray:
    """A digit drawn larger: each pixel becomes a factor x factor block (nearest)."""
    return ndimage.zoom(digit, factor, order=0, grid_mode=True, mode="grid-constant")


def on_paper(drawing, shape=(400, 400), top=0, left=0) -> np.ndarray:
    paper = np.zeros(shape, dtype=drawing.dtype)
    paper[top : top + drawing.shape[0], left : left + drawing.shape[1]] = drawing
    return paper


def test_mnist_digits_are_what_the_recipe_says():
    # What the tests below ask of a preprocessed drawing, measured on MNIST itself.
    sides = np.array([long_side(x) for x in X])
    assert (sides == 20).sum() == len(X) - 2 and sides.min() == 19
    com = np.array([centre_of_mass(x) for x in X])
    assert np.abs(com - 14).max() <= 0.5  # moved by whole pixels: within half a pixel


def test_mnist_digits_come_back_unchanged():
    # A digit already made by MNIST's recipe is a fixed point: 9,998 of the 10,000 exactly
    # (the two whose longer side is 19 pixels are scaled up to 20).
    out = np.array([ch.mnist_preprocess(x) for x in X])
    same = (out == X).all(axis=(1, 2))
    sides = np.array([long_side(x) for x in X])
    assert same[sides == 20].all()
    assert not same[sides == 19].any()
    assert out.dtype == np.uint8 and out.shape == X.shape


def test_digit_drawn_four_times_larger_anywhere_round_trips_exactly():
    # Each pixel a 4x4 block (as the pad's drawing grid holds a 28x28 digit), moved off
    # centre on a larger sheet: area averaging by 4 gives the very same grey levels back.
    for k in range(50):
        drawing = on_paper(enlarged(X[k], 4), (300, 300), top=3 * k, left=150 - 2 * k)
        np.testing.assert_array_equal(ch.mnist_preprocess(drawing), X[k])


def test_digit_drawn_at_an_odd_scale_round_trips_within_a_few_grey_levels():
    # At 3.3x the digit's pixel edges fall between the drawing's pixels, so scaling back
    # blurs each edge a little, and a centre of mass near a half pixel may round the other
    # way (the whole digit one pixel off). Measured on 200 digits: median error 2.5 grey
    # levels of 255, and at most 4.6 once the one-pixel move is allowed for.
    errors, aligned = [], []
    for x in X[:200]:
        out = ch.mnist_preprocess(on_paper(enlarged(x, 3.3), top=40, left=7)).astype(float)
        errors.append(np.abs(out - x).mean())
        moves = [ch.shift(out, dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        aligned.append(min(np.abs(m - x).mean() for m in moves))
    assert np.median(errors) < 4
    assert max(aligned) < 8
    assert np.mean(np.array(errors) < 5) > 0.8  # most are not moved at all


@pytest.mark.parametrize(
    ("name", "drawing"),
    [
        ("tiny", on_paper(enlarged(X[0], 0.3), (280, 280), top=5, left=240)),
        ("off-centre", on_paper(enlarged(X[1], 5), (300, 300), top=160, left=0)),
        ("huge", on_paper(enlarged(X[2], 20), (600, 600), top=10, left=20)),
        ("thin 1", on_paper(np.full((90, 6), 255, np.uint8), (280, 280), top=150, left=30)),
        ("wide dash", on_paper(np.full((4, 150), 0.8), (280, 280), top=30, left=100)),
    ],
)
def test_any_drawing_comes_out_20_pixels_long_and_centred(name, drawing):
    out = ch.mnist_preprocess(drawing)
    assert out.shape == (28, 28) and out.dtype == np.uint8
    assert long_side(out) == 20, name
    assert np.abs(centre_of_mass(out) - 14).max() <= 0.5, name


def test_aspect_ratio_is_kept():
    tall = on_paper(np.ones((100, 25)), (200, 200), top=50, left=80)  # 4:1
    out = ch.mnist_preprocess(tall)
    rows, cols = np.flatnonzero(out.any(axis=1)), np.flatnonzero(out.any(axis=0))
    assert (len(rows), len(cols)) == (20, 5)
    assert (out[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1] == 255).all()


def test_edges_are_anti_aliased():
    # A square frame 200 drawing pixels wide, its sides 25 thick, scaled by 1/10: the sides
    # are 2.5 pixels thick, so their inner edges cover half a pixel and turn grey.
    frame = np.ones((200, 200))
    frame[25:-25, 25:-25] = 0
    out = ch.mnist_preprocess(on_paper(frame, (300, 300), top=50, left=50))
    rows, cols = np.flatnonzero(out.any(axis=1)), np.flatnonzero(out.any(axis=0))
    box = out[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]  # (20, 20)
    assert (box[2, 3:-3] == 128).all()  # half-covered pixels: 255 / 2, rounded
    assert box[2, 2] == 191  # the inner corner: three quarters covered
    assert (box[:2] == 255).all() and (box[3:-3, 3:-3] == 0).all()


def test_size_48_keeps_the_digit_where_it_was_drawn():
    # A 28x28 MNIST digit placed in the far corner of a 48x48 canvas (as in notebook 06),
    # drawn 4x larger: it comes back exactly where and as it was.
    canvases, _ = ch.place_on_canvas(X[:20], 48, rows=(16, 20), cols=(16, 20), seed=0)
    for canvas in canvases:
        drawing = enlarged(canvas, 4)  # (192, 192): the drawing stands for the canvas
        np.testing.assert_array_equal(ch.mnist_preprocess(drawing, size=48), canvas)


def test_size_48_scales_the_digit_to_20_pixels_and_keeps_its_place():
    sheet = np.zeros((192, 192))  # a 48x48 canvas drawn at 4 drawing pixels per cell
    sheet[48:80, 130:150] = 1.0  # a small blob in the top-right quarter
    out = ch.mnist_preprocess(sheet, size=48)
    assert out.shape == (48, 48) and out.dtype == np.uint8
    assert long_side(out) == 20
    drawn_at = (centre_of_mass(sheet) + 0.5) / 4 - 0.5  # in canvas pixels
    assert np.abs(centre_of_mass(out) - drawn_at).max() <= 0.5

    in_the_corner = np.zeros((192, 192))
    in_the_corner[180:, 180:] = 1.0  # too close to the edge for a 20-pixel digit
    out = ch.mnist_preprocess(in_the_corner, size=48)
    assert out[-20:, -20:].all() and out[:-20].sum() == 0  # kept inside the canvas


@pytest.mark.parametrize(
    ("image", "error", "words"),
    [
        (np.zeros(28), ValueError, "image must be 2-D"),
        (np.zeros((2, 28, 28)), ValueError, "image must be 2-D"),
        (np.zeros((0, 5)), ValueError, "image must not be empty"),
        (np.zeros((28, 28)), ValueError, "image is empty"),
        (np.zeros((28, 28), np.uint8), ValueError, "image is empty"),
        (np.full((28, 28), np.nan), ValueError, "image contains NaN"),
        (np.where(X[0] > 0, np.inf, 0.0), ValueError, "image contains NaN or infinite"),
        (X[0].astype(float), ValueError, "image floats must lie in 0-1"),
        (-X[0].astype(float) / 255, ValueError, "image floats must lie in 0-1"),
        (X[0].astype(np.int64), TypeError, "image must be uint8"),
        (X[0].astype(complex), TypeError, "image must hold real numbers"),
        (np.array([["a", "b"]]), TypeError, "image must be an array of numbers"),
        ("a drawing", TypeError, "image must be an array of numbers"),
    ],
)
def test_bad_images_are_refused_naming_the_argument(image, error, words):
    with pytest.raises(error, match=words):
        ch.mnist_preprocess(image)


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="size must be >= 28"):
        ch.mnist_preprocess(X[0], size=20)
    with pytest.raises(TypeError, match="size must be an integer"):
        ch.mnist_preprocess(X[0], size=48.0)


def test_bool_and_float_drawings_are_ink():
    mask = X[3] > 127
    from_bool = ch.mnist_preprocess(mask)
    np.testing.assert_array_equal(from_bool, ch.mnist_preprocess(mask.astype(np.float32)))
    np.testing.assert_array_equal(
        ch.mnist_preprocess(X[3] / 255.0), ch.mnist_preprocess(X[3])
    )  # floats 0-1 and uint8 0-255 are the same ink


def test_input_is_not_modified():
    drawing = on_paper(enlarged(X[5], 3), (200, 200), top=20, left=30)
    before = drawing.copy()
    ch.mnist_preprocess(drawing)
    np.testing.assert_array_equal(drawing, before)
