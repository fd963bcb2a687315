"""Exercise checks of notebooks 01-03: pixels as grids, permutation, translation.

01: brightest pixel, invert, brighten. 02: unshuffle the pixels, one class's score.
03: cosine similarity, shift down. Each learner's function is tried on several inputs,
real digits among them (run_cases in checks.py); a wrong answer gets its likely mistake.
"""

import numpy as np

from .checks import array_mistake, as_number, call_learner, compare, run_cases, sample_digits

__all__ = [
    "check_brighten",
    "check_brightest_pixel",
    "check_class_score",
    "check_cosine_similarity",
    "check_invert",
    "check_shift_down",
    "check_unshuffle",
]


# 01: pixels as grids


def check_brightest_pixel(fn) -> bool:
    """Exercise: fn(image (H, W)) returns (row, col) of a pixel with the largest value."""

    def mistake(value, image):
        if value is None:
            return "your function returned None", "End it with `return row, col`."
        if as_number(value) is not None:
            return (
                f"you returned one number ({value}); expected two, (row, col)",
                "np.argmax gives a position in the flattened image: np.unravel_index turns it "
                "into (row, col).",
            )
        try:
            r, c = (int(v) for v in value)
        except (TypeError, ValueError):
            return f"expected (row, col), got {value!r:.60}", "Return a pair: `return row, col`."
        h, w = image.shape
        if not (0 <= r < h and 0 <= c < w):
            return f"({r}, {c}) is outside the image of shape {image.shape}", None
        if image[r, c] == image.max():
            return None
        if 0 <= c < h and 0 <= r < w and image[c, r] == image.max():
            return f"({r}, {c}) has row and column swapped", "Rows come first: image[row, col]."
        return f"pixel ({r}, {c}) holds {image[r, c]}, the brightest holds {image.max()}", None

    toy = np.arange(63, dtype=np.uint8).reshape(7, 9) % 50  # (7, 9), values below 50
    toy[2, 6] = 200  # the one brightest pixel; (6, 2) exists too, to catch a swap
    cases = [(toy,)] + [(d,) for d in sample_digits()]
    hint = "i = np.argmax(image) is a flat index; np.unravel_index(i, image.shape) is (row, col)."
    in_place = (
        "Only read the image: np.argmax(image) finds the brightest pixel without changing it."
    )
    return run_cases(fn, "brightest pixel", cases, mistake, hint, in_place=in_place)


def check_invert(fn) -> bool:
    """Exercise: fn(image (H, W) uint8) returns the negative 255 - image, uint8."""

    def mistake(value, image):
        found = array_mistake(value, 255 - image, dtype=np.uint8)
        if found is None or compare(value, 255 - image, 0) is None:
            return found  # right, or right values in the wrong dtype
        if compare(value, (-image.astype(np.int64)) % 256, 0) is None:
            return (
                "you computed -image: in uint8, -x wraps around to 256 - x",
                "Subtract from the brightest value instead: 255 - image.",
            )
        one_minus = 1 - image.astype(np.int64)
        if compare(value, one_minus, 0) is None or compare(value, one_minus % 256, 0) is None:
            return "the pixels here run from 0 to 255, not 0 to 1", "Use 255 - image."
        return found

    toy = np.array([[0, 1, 128], [200, 254, 255]], dtype=np.uint8)
    cases = [(toy,)] + [(d,) for d in sample_digits()]
    in_place = "Return a new array, out = 255 - image, instead of writing into image."
    return run_cases(
        fn, "inverted image", cases, mistake, "255 - image is the negative.", in_place=in_place
    )


def check_brighten(fn) -> bool:
    """Exercise: fn(image (H, W) uint8, amount) adds amount and clips to 0-255, uint8."""
    from .grid_widgets import adjust

    def mistake(value, image, amount):
        clipped = adjust(image, brightness=amount)
        found = array_mistake(value, clipped, dtype=np.uint8)
        wrapped = adjust(image, brightness=amount, clip=False)
        if found is not None and compare(value, wrapped, 0) is None:
            r, c = np.argwhere(wrapped != clipped)[0]
            return (
                f"some pixels wrapped around: {image[r, c]} + ({amount}) became {wrapped[r, c]} "
                f"at ({r}, {c}) instead of {clipped[r, c]}",
                "Do the sum in a wider type, clip, then convert back: "
                "np.clip(image.astype(int) + amount, 0, 255).astype(np.uint8).",
            )
        return found

    digits = sample_digits()
    ramp = np.arange(0, 256, 15, dtype=np.uint8).reshape(2, 9)  # (2, 9), 0 to 240
    cases = [(ramp, 30), (digits[0], 100), (digits[1], -60), (ramp, 0)]
    hint = (
        "Add in a wider type (image.astype(int)), clip to 0-255 (np.clip), then .astype(np.uint8)."
    )
    in_place = (
        "image += amount writes into the input: build a new array, "
        "np.clip(image.astype(int) + amount, 0, 255).astype(np.uint8)."
    )
    return run_cases(fn, "brightened image", cases, mistake, hint, in_place=in_place)


# 02: permutation


def check_unshuffle(fn) -> bool:
    """Exercise: fn(shuffled (H, W), perm (H*W,)) puts the pixels back where they were."""
    from .images import permute_pixels

    def mistake(value, shuffled, perm):
        original = permute_pixels(shuffled, np.argsort(perm))
        found = array_mistake(value, original)
        if found is None:
            return None
        if compare(value, permute_pixels(shuffled, perm), 0) is None:
            return (
                "you shuffled a second time with perm instead of undoing it",
                "The permutation that undoes perm is np.argsort(perm).",
            )
        if np.size(value) == original.size and np.shape(value) != original.shape:
            return f"the shape is {np.shape(value)}, expected {original.shape}", (
                "Reshape the flat result back to the image's shape: .reshape(shuffled.shape)."
            )
        return found

    rng = np.random.default_rng(7)
    toy = np.arange(20, dtype=np.uint8).reshape(4, 5)  # not 28x28: no hard-coded sizes
    cases = [(permute_pixels(toy, p := rng.permutation(20)), p)]
    for d in sample_digits():
        p = rng.permutation(d.size)
        cases.append((permute_pixels(d, p), p))
    hint = "ch.permute_pixels(shuffled, np.argsort(perm)) undoes ch.permute_pixels(image, perm)."
    in_place = (
        "shuffled.ravel() can be a view, so writing into it writes into shuffled: build a new "
        "array by indexing, shuffled.ravel()[np.argsort(perm)].reshape(shuffled.shape)."
    )
    return run_cases(fn, "unshuffled image", cases, mistake, hint, in_place=in_place)


def check_class_score(fn, model) -> bool:
    """Exercise: fn(model, image (28, 28) uint8, c) is the dot product score of class c.

    Expected: model.scores(image)[c] (pixels scaled to 0-1, plus the bias b[c]).
    """

    def mistake(value, model, image, c):
        expected = float(model.scores(image)[c])
        if compare(value, model.scores(image), 1e-3) is None:
            return "you returned the scores of all 10 classes", "Keep the one of class c: [c]."
        found = array_mistake(value, expected, atol=1e-3)
        number = as_number(value)
        if found is not None and number is not None:
            if abs(number - (expected - model.b[c])) < 1e-3:
                return f"{number:.3f} is missing the bias b[{c}]", "Add model.b[c]."
            raw = float(np.sum(image * model.reference_vectors()[c]) + model.b[c])
            if abs(number - raw) < 1e-2 * max(1.0, abs(raw)):
                return (
                    "you used pixel values 0-255; the model was trained on 0-1",
                    "Scale the pixels first: ch.to_float(image).",
                )
        return found

    digits = sample_digits(3)
    cases = [(model, d, c) for d, c in zip(digits, (0, 5, 9), strict=True)]
    hint = "score = np.sum(ch.to_float(image) * model.reference_vectors()[c]) + model.b[c]."
    in_place = "Scale a copy, x = ch.to_float(image), instead of writing into image."
    return run_cases(fn, "class score", cases, mistake, hint, in_place=in_place)


# 03: translation


def check_cosine_similarity(fn) -> bool:
    """Exercise: fn(a, b) is the cosine of the angle between two images seen as vectors."""
    from .experiments import cosine_similarity
    from .images import shift

    def mistake(value, a, b):
        found = array_mistake(value, cosine_similarity(a, b))
        if found is None:
            return None
        if np.ndim(value) == 2:
            norms = np.linalg.norm(a) * np.linalg.norm(b)
            products = (np.dot(a, b), np.dot(a.astype(float), b.astype(float)))  # (H, W) each
            if any(compare(value, m / norms, 1e-6) is None for m in products):
                return (
                    f"you returned a {np.shape(value)} array: np.dot of two 2-D images is their "
                    "matrix product, not the sum of the pixel-by-pixel products",
                    "Flatten first, np.dot(a.ravel(), b.ravel()), or sum the products: "
                    "np.sum(a * b) (on float copies).",
                )
            return (
                f"you returned a {np.shape(value)} array; the cosine is one number",
                "Sum over all the pixels, on float copies: "
                "np.sum(a * b) / (np.linalg.norm(a) * np.linalg.norm(b)).",
            )
        if a.dtype == np.uint8:
            ok, on_floats, _ = call_learner(fn, a.astype(float), b.astype(float), time_limit=5.0)
            if ok and compare(on_floats, cosine_similarity(a, b), 1e-6) is None:
                return (
                    "right for float images but not for these uint8 ones: the products "
                    "overflowed (uint8 holds only 0-255)",
                    "Convert first: a = a.astype(float).ravel() (and the same for b).",
                )
        return found

    d = sample_digits(2)
    cases = [(d[0], d[0]), (d[0], shift(d[0], dx=3)), (d[0], d[1]), (d[1].astype(float), d[0])]
    hint = (
        "cos = (a · b) / (|a| |b|), each image one long vector of pixels: a = a.astype(float) "
        "(the same for b), then np.sum(a * b) / (np.linalg.norm(a) * np.linalg.norm(b))."
    )
    in_place = (
        "a /= ... writes into the caller's image: make new arrays, a = a.astype(float) "
        "(the same for b)."
    )
    return run_cases(fn, "cosine similarity", cases, mistake, hint, in_place=in_place)


def check_shift_down(fn) -> bool:
    """Exercise: fn(image (H, W), k) moves the picture k pixels down, zeros on top."""
    from .images import shift

    def mistake(value, image, k):
        found = array_mistake(value, shift(image, dy=k))
        if found is None:
            return None
        if compare(value, np.roll(image, k, axis=0), 0) is None:
            return (
                f"the bottom {k} rows came back at the top (np.roll wraps around)",
                "Start from np.zeros_like(image) and copy image[:H - k] into rows k onwards.",
            )
        if compare(value, shift(image, dy=-k), 0) is None:
            return "the picture moved up, not down", "Row r of the input goes to row r + k."
        if compare(value, shift(image, dx=k), 0) is None:
            return "the picture moved right, not down", "Move rows (axis 0), not columns."
        return found

    ramp = np.arange(1, 31, dtype=np.uint8).reshape(6, 5)  # ink everywhere: a roll shows
    digit = sample_digits(1)[0]
    cases = [(ramp, 2), (digit, 4), (ramp, 0), (digit, 1)]
    hint = "out = np.zeros_like(image); out[k:] = image[:image.shape[0] - k]"
    in_place = (
        "Start from a new array, out = np.zeros_like(image), then out[k:] = "
        "image[:image.shape[0] - k]; image itself stays as it was."
    )
    return run_cases(fn, "shifted image", cases, mistake, hint, in_place=in_place)
