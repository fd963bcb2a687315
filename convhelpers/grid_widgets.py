"""Live widgets for notebooks 01-03: windows on a grid, image arithmetic, shuffling, shifting.

Each builder returns a widget (a VBox) whose controls and displays are also
attributes, so a test or a notebook cell can drive it:

    w = digit_window(X, y)
    w.row.value = 10          # the window moves; w.grid.value is the new HTML table

Every widget is built once. A slider only changes the ``.value`` of existing
Image/HTML widgets; pictures are coloured and encoded by ``render`` (about a
millisecond), never drawn by matplotlib.
"""

import html

import ipywidgets as widgets
import numpy as np

from ._validate import as_int, as_numeric_array
from .conv import sliding_windows
from .experiments import cosine_similarity
from .images import permute_pixels, shift
from .render import colorize, html_grid, outline, png_bytes, upscale

__all__ = [
    "adjust",
    "brightness_contrast",
    "digit_window",
    "photo_window",
    "shift_explorer",
    "shuffle_explorer",
]

ORANGE = (230, 97, 0)  # the window's outline; visible on gray and on photos
BLUE, AMBER = "#0072B2", "#E69F00"  # Okabe-Ito colours: positive and negative scores


# --- small pieces shared by the widgets ----------------------------------------


def _gray_png(grid: np.ndarray, scale: int) -> bytes:
    """(H, W) values 0-255 -> PNG bytes of the gray picture enlarged scale times."""
    return png_bytes(upscale(colorize(grid, 0, 255), scale))


def _colorbar(vmin: float, vmax: float, cmap: str = "gray", label: str = "pixel value") -> str:
    """A horizontal colour bar as HTML: a gradient from vmin's colour to vmax's."""
    stops = colorize(np.linspace(vmin, vmax, 16)[None, :], vmin, vmax, cmap)[0]  # (16, 3)
    gradient = ", ".join(f"rgb({r},{g},{b})" for r, g, b in stops)
    return (
        f'<div style="font-size:12px;">{html.escape(label)}: {vmin:g} '
        f'<span style="display:inline-block;width:140px;height:12px;vertical-align:middle;'
        f'border:1px solid #888;background:linear-gradient(to right, {gradient});"></span>'
        f" {vmax:g}</div>"
    )


def _titled(title: str, child: widgets.Widget) -> widgets.VBox:
    """child with a bold title above it (and a little room to its right)."""
    title = widgets.HTML(f"<b>{html.escape(title)}</b>")
    return widgets.VBox([title, child], layout={"margin": "0 16px 0 0"})


def _slider(description: str, value: int, lo: int, hi: int) -> widgets.IntSlider:
    return widgets.IntSlider(
        value=value,
        min=lo,
        max=hi,
        description=description,
        continuous_update=True,
        style={"description_width": "initial"},
    )


def _as_images(images, labels) -> tuple[np.ndarray, np.ndarray | None]:
    """images (N, H, W) and optional labels (N,), validated."""
    images = as_numeric_array(images, "images", ndim=3)
    if labels is not None and np.shape(labels) != (len(images),):
        raise ValueError(
            f"labels must have one entry per image, shape ({len(images)},); got {np.shape(labels)}"
        )
    return images, None if labels is None else np.asarray(labels)


def _observe(update, *controls) -> None:
    """Call update() now and whenever one of the controls changes value."""
    for control in controls:
        control.observe(lambda change: update(), names="value")
    update()


# --- 01: a window on a digit or a photo ----------------------------------------


def _window_picture(rgb: np.ndarray, row: int, col: int, window: int, scale: int) -> bytes:
    """The image (H, W, 3), enlarged, with the window's border drawn in orange."""
    big = upscale(rgb, scale)
    thickness = max(2, scale // 3)
    outline(big, row * scale, col * scale, window * scale, window * scale, ORANGE, thickness)
    return png_bytes(big)


def digit_window(images, labels=None, *, window: int = 7, scale: int = 10) -> widgets.VBox:
    """Choose a digit and move a window over it; the window's values follow as a table.

    images: (N, H, W) uint8 digits, labels: (N,) or None. Controls: ``.digit``,
    ``.row``, ``.col`` (the window's top-left pixel). Displays: ``.picture``
    (the digit with the window outlined), ``.grid`` (HTML table of the
    window's values, ``html_grid``), ``.info`` (HTML: digit, label, window).
    """
    images, labels = _as_images(images, labels)
    window = as_int(window, "window", 1)
    scale = as_int(scale, "scale", 1)
    n, h, w = images.shape
    if window > min(h, w):
        raise ValueError(f"window must be at most {min(h, w)} (the image size), got {window}")
    digit = _slider("digit #", 0, 0, n - 1)
    row = _slider("window row", (h - window) // 2, 0, h - window)
    col = _slider("window column", (w - window) // 2, 0, w - window)
    picture = widgets.Image(format="png")
    grid = widgets.HTML()
    info = widgets.HTML()

    def update():
        image = images[digit.value]
        r, c = row.value, col.value
        rgb = colorize(image, 0, 255)  # (H, W, 3)
        picture.value = _window_picture(rgb, r, c, window, scale)
        patch = image[r : r + window, c : c + window]  # (window, window)
        caption = f"image[{r}:{r + window}, {c}:{c + window}]"
        grid.value = html_grid(patch, vmin=0, vmax=255, caption=caption)
        label = "" if labels is None else f", label {labels[digit.value]}"
        info.value = (
            f"digit #{digit.value}{label}: shape {image.shape}, {image.dtype}, "
            f"values {image.min()}–{image.max()}. Window: rows {r}–{r + window - 1}, "
            f"columns {c}–{c + window - 1}; its largest value is {patch.max()}."
        )

    _observe(update, digit, row, col)
    box = widgets.VBox(
        [
            widgets.HBox([digit, row, col]),
            widgets.HBox([_titled("the digit (window in orange)", picture), _titled("", grid)]),
            widgets.HTML(_colorbar(0, 255)),
            info,
        ]
    )
    box.digit, box.row, box.col = digit, row, col
    box.picture, box.grid, box.info = picture, grid, info
    return box


def photo_window(photo, *, window: int = 6, zoom: int = 24) -> widgets.VBox:
    """Move a small window over a colour photo and read its red, green and blue numbers.

    photo: (H, W, 3) uint8. Controls: ``.row``, ``.col`` (the window's top-left
    pixel). Displays: ``.picture`` (the photo, window outlined), ``.zoom`` (the
    window enlarged zoom times), ``.grids`` (three HTML tables: R, G, B values).
    """
    photo = as_numeric_array(photo, "photo", ndim=3)
    if photo.shape[2] != 3 or photo.dtype != np.uint8:
        raise ValueError(f"photo must be uint8 (H, W, 3), got {photo.dtype} {photo.shape}")
    window = as_int(window, "window", 1)
    zoom = as_int(zoom, "zoom", 1)
    h, w, _ = photo.shape
    row = _slider("window row", min(130, h - window), 0, h - window)  # the cap's brim
    col = _slider("window column", w // 2, 0, w - window)
    picture = widgets.Image(format="png")
    half = np.ascontiguousarray(photo[::2, ::2])  # (H/2, W/2, 3): a quarter of the PNG work
    zoomed = widgets.Image(format="png")
    grids = [widgets.HTML() for _ in range(3)]
    where = widgets.HTML()

    def update():
        r, c = row.value, col.value
        # The square is drawn 3 (half-size) pixels outside the window, so it stays visible.
        size = -(-window // 2) + 6
        rgb = outline(half.copy(), r // 2 - 3, c // 2 - 3, size, size, ORANGE, thickness=2)
        picture.value = png_bytes(rgb)
        patch = photo[r : r + window, c : c + window]  # (window, window, 3)
        zoomed.value = png_bytes(upscale(np.ascontiguousarray(patch), zoom))
        where.value = f"The window: photo[{r}:{r + window}, {c}:{c + window}], {patch.shape}"
        for k, name in enumerate(("red", "green", "blue")):
            caption = f"{name}: [..., {k}]"
            grids[k].value = html_grid(patch[..., k], vmin=0, vmax=255, caption=caption)

    _observe(update, row, col)
    box = widgets.VBox(
        [
            widgets.HBox([row, col]),
            widgets.HBox(
                [
                    _titled(f"photo {photo.shape} at half size, window in orange", picture),
                    _titled("the window, enlarged", zoomed),
                ]
            ),
            where,
            widgets.HBox(grids),
            widgets.HTML(_colorbar(0, 255, label="each channel's value")),
        ]
    )
    box.row, box.col, box.picture, box.zoom, box.grids = row, col, picture, zoomed, grids
    return box


# --- 01: image arithmetic --------------------------------------------------------


def _exact(image: np.ndarray, brightness, contrast, invert) -> np.ndarray:
    """contrast * pixel + brightness (after 255 - pixel if invert), rounded: float64 (H, W)."""
    exact = image.astype(np.float64)
    if invert:
        exact = 255 - exact
    return np.rint(contrast * exact + brightness)


def _as_uint8_image(image) -> np.ndarray:
    image = as_numeric_array(image, "image", ndim=2)
    if image.dtype != np.uint8:
        raise TypeError(f"image must be uint8 (0-255), got {image.dtype}")
    return image


def adjust(
    image, *, brightness: float = 0, contrast: float = 1.0, invert: bool = False, clip=True
) -> np.ndarray:
    """contrast * pixel + brightness (after 255 - pixel if invert), stored as uint8.

    image: (H, W) uint8 -> (H, W) uint8. The arithmetic is exact (float64),
    then rounded. clip=True clips to 0-255 first (the right way). clip=False
    keeps only the last 8 bits, as uint8 arithmetic does: 300 -> 44, -20 -> 236.
    """
    return _store(_exact(_as_uint8_image(image), brightness, contrast, invert), clip)


def _store(exact: np.ndarray, clip: bool) -> np.ndarray:
    """Whole numbers (H, W) -> uint8: clipped to 0-255, or wrapped (kept mod 256)."""
    if clip:
        return np.clip(exact, 0, 255).astype(np.uint8)
    return exact.astype(np.int64).astype(np.uint8)  # int64 -> uint8 keeps the value mod 256


def brightness_contrast(image, *, scale: int = 8) -> widgets.VBox:
    """Sliders for brightness, contrast and invert; the uint8 result wraps around, float clips.

    image: (H, W) uint8. Controls: ``.brightness``, ``.contrast``, ``.invert``.
    Displays: ``.original``, ``.wrapped`` (adjust(..., clip=False)),
    ``.clipped`` (adjust(..., clip=True)) and ``.info`` (HTML with the numbers
    for the brightest pixel of the original and how many pixels wrapped).
    """
    image = _as_uint8_image(image)
    scale = as_int(scale, "scale", 1)
    brightness = _slider("brightness", 0, -255, 255)
    contrast = widgets.FloatSlider(
        value=1.0, min=0.0, max=3.0, step=0.1, description="contrast", continuous_update=True
    )
    invert = widgets.Checkbox(value=False, description="invert (255 − pixel)")
    original = widgets.Image(value=_gray_png(image, scale), format="png")
    wrapped = widgets.Image(format="png")
    clipped = widgets.Image(format="png")
    info = widgets.HTML()
    r, c = np.unravel_index(np.argmax(image), image.shape)  # the brightest pixel

    def update():
        exact = _exact(image, brightness.value, contrast.value, invert.value)  # (H, W) float64
        bad, good = _store(exact, clip=False), _store(exact, clip=True)
        wrapped.value = _gray_png(bad, scale)
        clipped.value = _gray_png(good, scale)
        outside = int(np.count_nonzero((exact < 0) | (exact > 255)))
        info.value = (
            f"Brightest pixel ({r}, {c}): {image[r, c]} → exact result {exact[r, c]:.0f}, "
            f"stored in uint8 without clipping <b>{bad[r, c]}</b>, clipped <b>{good[r, c]}</b>. "
            f"{outside} of {image.size} pixels fall outside 0–255 and wrap around in uint8."
        )

    _observe(update, brightness, contrast, invert)
    box = widgets.VBox(
        [
            widgets.HBox([brightness, contrast, invert]),
            widgets.HBox(
                [
                    _titled("original", original),
                    _titled("uint8, wraps around ❌", wrapped),
                    _titled("float, clipped to 0–255 ✅", clipped),
                ]
            ),
            widgets.HTML(_colorbar(0, 255)),
            info,
        ]
    )
    box.brightness, box.contrast, box.invert = brightness, contrast, invert
    box.original, box.wrapped, box.clipped, box.info = original, wrapped, clipped, info
    return box


# --- 02: shuffle and unshuffle ----------------------------------------------------


def shuffle_explorer(images, labels, perm, *, scale: int = 8) -> widgets.VBox:
    """One fixed permutation of the pixels: show a digit shuffled, and put back.

    images: (N, H, W) uint8, labels: (N,) or None, perm: (H*W,) a permutation.
    Controls: ``.digit``, ``.mode`` ("shuffled" or "unshuffled": shuffled, then
    put back with argsort(perm)). Displays: ``.original``, ``.picture`` (the
    chosen view) and ``.info`` (HTML: total brightness, histogram, exact match).
    """
    images, labels = _as_images(images, labels)
    permute_pixels(images[:1], perm)  # validates perm against the image size
    perm = np.asarray(perm)
    inverse = np.argsort(perm)
    scale = as_int(scale, "scale", 1)
    digit = _slider("digit #", 0, 0, len(images) - 1)
    mode = widgets.ToggleButtons(options=["shuffled", "unshuffled"], value="shuffled")
    original, picture = widgets.Image(format="png"), widgets.Image(format="png")
    title, info = widgets.HTML(), widgets.HTML()

    def update():
        image = images[digit.value]
        shuffled = permute_pixels(image, perm)
        shown = shuffled if mode.value == "shuffled" else permute_pixels(shuffled, inverse)
        original.value = _gray_png(image, scale)
        picture.value = _gray_png(shown, scale)
        label = "" if labels is None else f" (label {labels[digit.value]})"
        title.value = f"<b>{mode.value}</b>{label}"
        same_hist = np.array_equal(np.sort(image, axis=None), np.sort(shown, axis=None))
        info.value = (
            f"Total brightness (sum of all pixels): original {int(image.sum()):,}, "
            f"{mode.value} {int(shown.sum()):,}. Same histogram of values: "
            f"{'yes' if same_hist else 'no'}. Identical to the original, pixel for pixel: "
            f"<b>{'yes' if np.array_equal(shown, image) else 'no'}</b>."
        )

    _observe(update, digit, mode)
    box = widgets.VBox(
        [
            widgets.HBox([digit, mode]),
            widgets.HBox([_titled("original", original), widgets.VBox([title, picture])]),
            widgets.HTML(_colorbar(0, 255)),
            info,
        ]
    )
    box.digit, box.mode, box.original, box.picture, box.info = digit, mode, original, picture, info
    return box


# --- 03: shift a digit, watch the flattened model's scores -------------------------


def _score_bars(scores: np.ndarray, limit: float, predicted: int, true) -> str:
    """An HTML bar chart of ten scores around zero: blue bars right, amber bars left."""
    half = 150  # pixels for a score of +-limit
    rows = ['<table style="border-collapse:collapse;font:13px monospace;">']
    rows.append(
        f'<tr><td></td><td style="text-align:left;">−{limit:.0f}</td>'
        f'<td style="text-align:right;">+{limit:.0f}</td><td>score</td></tr>'
    )
    for c, s in enumerate(scores):
        width = int(round(min(abs(s), limit) / limit * half))
        bar = f'<div style="height:14px;width:{width}px;background:{BLUE if s >= 0 else AMBER};'
        left = bar + 'margin-left:auto;"></div>' if s < 0 else ""
        right = bar + '"></div>' if s >= 0 else ""
        mark = " ◀ predicted" if c == predicted else ""
        mark += " (true class)" if true is not None and c == true else ""
        weight = "bold" if c == predicted else "normal"
        rows.append(
            f'<tr style="font-weight:{weight};"><td>class {c}</td>'
            f'<td style="width:{half}px;border-right:1px solid #444;padding:1px 0;">{left}</td>'
            f'<td style="width:{half}px;padding:1px 0;">{right}</td>'
            f"<td>{s:+7.2f}{mark}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


def shift_explorer(model, images, labels=None, *, max_shift: int = 8, scale: int = 8):
    """Move a digit with dx/dy sliders; the flattened model's ten scores follow as bars.

    model: anything with ``.scores(images (N, H, W)) -> (N, C)``; images (N, H, W)
    uint8; labels (N,) or None. Controls: ``.digit``, ``.dx``, ``.dy``.
    Displays: ``.picture`` (the shifted digit), ``.bars`` (HTML bar chart of the
    scores, on a scale fixed per digit), ``.info`` (HTML: predicted class,
    cosine similarity to the unshifted digit).
    """
    images, labels = _as_images(images, labels)
    max_shift = as_int(max_shift, "max_shift", 1)
    scale = as_int(scale, "scale", 1)
    digit = _slider("digit #", 0, 0, len(images) - 1)
    dx = _slider("dx (→ right)", 0, -max_shift, max_shift)
    dy = _slider("dy (↓ down)", 0, -max_shift, max_shift)
    picture, bars, info = widgets.Image(format="png"), widgets.HTML(), widgets.HTML()
    box = widgets.VBox()
    limit = {}  # digit -> bar scale: the largest |score| over every shift of that digit

    def update():
        image = images[digit.value]
        if digit.value not in limit:
            padded = np.pad(image, max_shift)  # every shifted copy is a window of this
            every = sliding_windows(padded, *image.shape).reshape(-1, *image.shape)
            limit[digit.value] = float(np.abs(model.scores(every)).max())
        moved = shift(image, dy=dy.value, dx=dx.value)
        scores = np.asarray(model.scores(moved[None]))[0]  # (C,)
        predicted = int(np.argmax(scores))
        true = None if labels is None else int(labels[digit.value])
        picture.value = _gray_png(moved, scale)
        bars.value = _score_bars(scores, limit[digit.value], predicted, true)
        verdict = "" if true is None else (" ✅ right" if predicted == true else " ❌ wrong")
        info.value = (
            f"Moved dx={dx.value}, dy={dy.value}: predicted <b>{predicted}</b>"
            f"{'' if true is None else f' (true {true})'}{verdict}. Cosine similarity to the "
            f"unshifted digit: <b>{cosine_similarity(moved, image):.3f}</b>."
        )

    _observe(update, digit, dx, dy)
    box.children = [
        widgets.HBox([digit, dx, dy]),
        widgets.HBox(
            [
                widgets.VBox(
                    [_titled("shifted digit (zero fill)", picture), widgets.HTML(_colorbar(0, 255))]
                ),
                _titled("the flattened model's ten scores", bars),
            ]
        ),
        info,
    ]
    box.digit, box.dx, box.dy, box.picture, box.bars, box.info = digit, dx, dy, picture, bars, info
    return box
