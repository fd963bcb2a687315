"""KernelExplorer: slide a kernel over an image with the mouse and watch the feature map fill in.

    from convhelpers import KernelExplorer
    KernelExplorer()                       # an MNIST digit and the Sobel-x kernel
    KernelExplorer(conv_fn=my_conv2d)      # your own convolution draws the feature map

Built once, updated in place: the full feature map is computed when the image,
kernel, padding, stride or flip changes; moving to another position only
recolours the two pictures (numpy -> PNG, about a millisecond each) and
rewrites three small HTML tables.
"""

import html
import re

import ipywidgets as widgets
import numpy as np

from ._explorer_parts import (
    MARGIN,
    colorbar_html,
    fmt_for,
    framed,
    size_formula,
    sum_html,
    swatch,
    wrapping_row,
)
from ._validate import as_numeric_array
from .checks import _run_conv
from .conv import KERNELS, conv2d
from .data import load_digits, load_photo
from .render import colorize, html_grid, outline, png_bytes

__all__ = ["EXAMPLE_IMAGE", "EXAMPLE_KERNEL", "KernelExplorer", "parse_kernel", "photo_crop"]

EXAMPLE_IMAGE = np.array([[1, 2, 8, 9], [0, 1, 9, 8], [2, 0, 7, 9], [1, 1, 8, 7]], dtype=float)
"""The lesson's 4x4 image: dark on the left, bright on the right (a vertical edge)."""
EXAMPLE_KERNEL = np.array([[-1, 1], [-1, 1]], dtype=float)
"""The lesson's 2x2 kernel: right column minus left column, large on a dark-to-bright edge."""
EXAMPLE_IMAGE.setflags(write=False)
EXAMPLE_KERNEL.setflags(write=False)

_MAX_KERNEL = 7  # larger kernels do not fit the panels readably
_MAX_IMAGE = 128  # pixels per side; each one should stay visible
_DISPLAY_PX = 256  # the pictures are about this many pixels wide
_PATCH_COLOUR = (230, 97, 0)  # orange: visible on gray, for colour-blind readers too
_EDGE_COLOUR = (94, 60, 153)  # purple: the border of the unpadded image
_NOT_YET = np.array([170, 170, 170], dtype=np.uint8)  # feature-map cells not computed yet
_NO_VALUE = np.array([40, 40, 40], dtype=np.uint8)  # cells a learner's function did not give
_SIGNED = "RdBu_r"  # blue negative, white zero, red positive
_IMAGES = {
    "MNIST digit": "digit",
    "4×4 example (2×2 kernel)": "example",
    "photo crop (32×32)": "photo",
}
_CUSTOM = "(typed in)"


# --- parsing the typed kernel -------------------------------------------------


def _number(token: str, row: int) -> float:
    """float(token), also 'a/b'; a ValueError naming the row for anything else."""
    try:
        if token.count("/") == 1:
            top, bottom = token.split("/")
            value = float(top) / float(bottom)
        else:
            value = float(token)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{token!r} in row {row} is not a number") from None
    if not np.isfinite(value):
        raise ValueError(f"{token!r} in row {row} is not a finite number")
    return value


def parse_kernel(text: str) -> np.ndarray:
    """Read a kernel typed as rows of numbers -> float64 (kh, kw), at most 7 x 7.

    Numbers are separated by spaces or commas, rows by new lines or ';'.
    Brackets are ignored, so '[[1, 0], [0, -1]]' works, and '1/9' is a number.
    Nothing is evaluated: each number goes through float(). A ValueError says
    what is wrong (a word that is not a number, rows of different lengths).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    text = text.replace("−", "-").replace("],", ";").replace("[", " ").replace("]", " ")
    lines = [line.strip(" ,\t") for line in re.split(r"[;\n]", text)]
    lines = [line for line in lines if line]
    if not lines:
        raise ValueError("the kernel is empty: type rows of numbers, e.g. 1 0 -1")
    rows = [[_number(t, r) for t in re.split(r"[,\s]+", line)] for r, line in enumerate(lines, 1)]
    for r, row in enumerate(rows[1:], 2):
        if len(row) != len(rows[0]):
            raise ValueError(
                f"row {r} has {len(row)} numbers but row 1 has {len(rows[0])}: "
                "every row needs the same count"
            )
    if max(len(rows), len(rows[0])) > _MAX_KERNEL:
        raise ValueError(
            f"a {len(rows)}×{len(rows[0])} kernel is too big to show: "
            f"at most {_MAX_KERNEL}×{_MAX_KERNEL}"
        )
    return np.array(rows, dtype=np.float64)


def _kernel_text(kernel: np.ndarray) -> str:
    """The kernel as editable text, one row per line: (kh, kw) -> '1 0 -1\\n...'."""
    return "\n".join(" ".join(f"{v:.4g}" for v in row) for row in kernel)


# --- images -------------------------------------------------------------------


def photo_crop(size: int = 32) -> np.ndarray:
    """Grace Hopper's face from :func:`load_photo`, gray, float64 (size, size).

    A 192x192-pixel square around the face is averaged down in blocks and
    rounded to whole numbers 0-255, like the pixels of a gray image.
    """
    if size not in (16, 32, 48, 64, 96, 192):
        raise ValueError(f"size must divide 192 (16, 32, 48, 64, 96 or 192), got {size!r}")
    rgb = load_photo()[120:312, 150:342].astype(np.float64)  # (192, 192, 3)
    gray = rgb @ np.array([0.299, 0.587, 0.114])  # (192, 192), the usual luminance weights
    block = 192 // size
    return gray.reshape(size, block, size, block).mean(axis=(1, 3)).round()  # (size, size)


def _load_image(key: str):
    """(image float64 (H, W), vmin, vmax, description) for a key of _IMAGES."""
    if key == "digit":
        images, labels = load_digits()
        return images[0].astype(np.float64), 0.0, 255.0, f"MNIST digit #0 (a {labels[0]})"
    if key == "example":
        return EXAMPLE_IMAGE.copy(), 0.0, 9.0, "the lesson's 4×4 example"
    return photo_crop(32), 0.0, 255.0, "photo crop, gray"


def _resolve_kernel(kernel) -> np.ndarray:
    """A kernel given as a preset name, typed text or an array -> float64 (kh, kw)."""
    if isinstance(kernel, str):
        key = kernel.strip().lower().replace("_", " ")
        return KERNELS[key].copy() if key in KERNELS else parse_kernel(kernel)
    kernel = as_numeric_array(kernel, "kernel", ndim=2).astype(np.float64)
    if max(kernel.shape) > _MAX_KERNEL:
        raise ValueError(f"kernel must be at most {_MAX_KERNEL}×{_MAX_KERNEL}, got {kernel.shape}")
    return kernel


def _fits(image_shape, kernel_shape, padding) -> bool:
    return all(k <= n + 2 * padding for n, k in zip(image_shape, kernel_shape, strict=True))


class KernelExplorer:
    """A live widget: a kernel slides over an image, the feature map fills in.

    KernelExplorer(image=None, kernel="sobel x", *, conv_fn=None, padding=0,
    stride=1, flip=False). image is a 2-D array (H, W) of at most 128 x 128, or
    one of "digit", "example", "photo"; kernel is a name from KERNELS, typed
    text or an array (kh, kw). conv_fn(image, kernel) -> (Ho, Wo), if given,
    draws the feature map instead of conv2d; it is called with the padded image
    and the (flipped, if flip is on) kernel and every stride-th value is kept.

    Display the object in a notebook. Controls: ``image_choice``, ``preset``,
    ``kernel_text``, ``flip``, ``padding``, ``stride``, ``play``, ``position``,
    ``row``, ``col``. Displayed state: ``patch``, ``products``, ``sum_value``,
    ``feature_map`` (what the panel shows when complete), ``reference_map``
    (conv2d's), ``kernel`` (as typed) and the widgets ``image_view``,
    ``kernel_view``, ``patch_view``, ``products_view``, ``sum_view``,
    ``feature_map_view``, ``formula``, ``kernel_message``, ``note``.
    """

    def __init__(
        self,
        image=None,
        kernel="sobel x",
        *,
        conv_fn=None,
        padding: int = 0,
        stride: int = 1,
        flip: bool = False,
    ):
        self._images = dict(_IMAGES)
        if image is None or isinstance(image, str):
            key = image or "digit"
            names = {v: k for k, v in _IMAGES.items()}
            if key not in names:
                raise ValueError(f"image must be an array or one of {list(names)}, got {key!r}")
            choice = names[key]
        else:
            self._own_image = as_numeric_array(image, "image", ndim=2).astype(np.float64)
            if max(self._own_image.shape) > _MAX_IMAGE or min(self._own_image.shape) < 2:
                raise ValueError(
                    f"image must be between 2×2 and {_MAX_IMAGE}×{_MAX_IMAGE} pixels (so each "
                    f"one stays visible), got {self._own_image.shape}"
                )
            choice = f"your image {self._own_image.shape}"
            self._images[choice] = "own"
        self.kernel = _resolve_kernel(kernel)
        self._conv_fn = conv_fn
        self._quiet = False  # True while the code itself changes several controls
        self._build_controls(choice, padding, stride, flip)
        self._build_panels()
        self._connect()
        self._set_image(choice)
        self.widget = self._layout()

    # --- building -------------------------------------------------------------

    def _build_controls(self, choice, padding, stride, flip):
        def size(width):  # a fixed width and a label just as wide as its text
            return {
                "layout": widgets.Layout(width=width),
                "style": {"description_width": "initial"},
            }

        self.image_choice = widgets.Dropdown(
            options=list(self._images), value=choice, description="image", **size("270px")
        )
        presets = list(KERNELS) + ["2×2 example", _CUSTOM]
        self.preset = widgets.Dropdown(
            options=presets, value=_CUSTOM, description="kernel", **size("200px")
        )
        self.kernel_text = widgets.Textarea(
            value=_kernel_text(self.kernel),
            rows=4,
            layout=widgets.Layout(width="170px"),
            placeholder="rows of numbers, e.g.\n1 0 -1\n2 0 -2\n1 0 -1",
        )
        self.kernel_message = widgets.HTML()
        self.flip = widgets.ToggleButton(
            value=bool(flip),
            description="flip kernel (convolution)",
            icon="retweet",
            layout=widgets.Layout(width="210px"),
            tooltip="off: cross-correlation (deep learning's conv); on: kernel rotated 180°",
        )
        self.padding = widgets.IntSlider(padding, 0, 3, description="padding", **size("210px"))
        self.stride = widgets.IntSlider(stride, 1, 3, description="stride", **size("200px"))
        self.formula = widgets.HTML()
        self.play = widgets.Play(interval=100, description="play", show_repeat=False)
        self.position = widgets.IntSlider(description="step", **size("230px"))
        self.row = widgets.IntSlider(description="row i", **size("180px"))
        self.col = widgets.IntSlider(description="column j", **size("200px"))
        for w, name in [
            (self.image_choice, "image-choice"),
            (self.preset, "preset"),
            (self.kernel_text, "kernel-text"),
            (self.kernel_message, "kernel-message"),
            (self.flip, "flip"),
            (self.padding, "padding"),
            (self.stride, "stride"),
            (self.formula, "formula"),
            (self.play, "play"),
            (self.position, "position"),
            (self.row, "row"),
            (self.col, "col"),
        ]:
            w.add_class(f"ke-{name}")

    def _build_panels(self):
        self.image_view = widgets.Image(format="png")
        self.feature_map_view = widgets.Image(format="png")
        self.image_title, self.feature_map_title = widgets.HTML(), widgets.HTML()
        self.image_legend, self.feature_map_legend = widgets.HTML(), widgets.HTML()
        self.kernel_view, self.patch_view = widgets.HTML(), widgets.HTML()
        self.products_view, self.sum_view = widgets.HTML(), widgets.HTML()
        self.products_title, self.note = widgets.HTML(), widgets.HTML()
        for w, name in [
            (self.image_view, "image"),
            (self.feature_map_view, "featuremap"),
            (self.kernel_view, "kernel"),
            (self.patch_view, "patch"),
            (self.products_view, "products"),
            (self.sum_view, "sum"),
            (self.note, "note"),
        ]:
            w.add_class(f"ke-{name}")

    def _layout(self) -> widgets.VBox:
        box = widgets.Layout
        settings = wrapping_row(
            [self.image_choice, self.preset, self.flip, self.padding, self.stride]
        )
        moves = wrapping_row([self.play, self.position, self.row, self.col])
        image = widgets.VBox([self.image_title, self.image_view, self.image_legend])
        feature_map = widgets.VBox(
            [self.feature_map_title, self.feature_map_view, self.feature_map_legend]
        )
        editor = widgets.VBox(
            [widgets.HTML("<b>type a kernel</b><br>(rows of numbers)"), self.kernel_text],
            layout=box(width="190px"),
        )
        pictures = wrapping_row([image, feature_map, editor], gap="24px", align="flex-start")

        def sign(text):
            return widgets.HTML(f'<span style="font-size:22px;padding:0 4px">{text}</span>')

        grids = widgets.HBox(
            [self.patch_view, sign("⊙"), self.kernel_view, sign("="), self.products_view],
            layout=box(flex_flow="row wrap", align_items="center"),
        )
        dot = widgets.VBox([self.products_title, grids, self.sum_view, self.kernel_message])
        root = widgets.VBox([settings, self.formula, moves, pictures, dot, self.note])
        root.add_class("ke-root")
        return root

    def _connect(self):
        widgets.link((self.play, "value"), (self.position, "value"))
        self.position.observe(self._on_position, names="value")
        self.row.observe(self._on_row_col, names="value")
        self.col.observe(self._on_row_col, names="value")
        self.image_choice.observe(self._on_image_choice, names="value")
        self.preset.observe(self._on_preset, names="value")
        self.kernel_text.observe(self._on_text, names="value")
        for w in (self.flip, self.padding, self.stride):
            w.observe(self._on_setting, names="value")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # --- reacting to the controls ---------------------------------------------

    def _on_position(self, change):
        if self._quiet:
            return

        def follow():  # the row and column sliders show the new position
            self.row.value, self.col.value = divmod(self.position.value, self._out_shape[1])

        self._quietly(follow)
        self._show_step()

    def _on_row_col(self, change):
        if not self._quiet:
            self.position.value = self.row.value * self._out_shape[1] + self.col.value

    def _on_image_choice(self, change):
        if not self._quiet:
            self._set_image(change["new"])

    def _on_preset(self, change):
        if self._quiet or change["new"] == _CUSTOM:
            return
        new = EXAMPLE_KERNEL if change["new"] == "2×2 example" else KERNELS[change["new"]]
        self._try_kernel(new.copy())

    def _on_text(self, change):
        if not self._quiet:
            self._adopt_text()

    def _adopt_text(self) -> bool:
        """Use the typed kernel if it parses and fits; else say why. True if it was used."""
        try:
            kernel = parse_kernel(self.kernel_text.value)
        except ValueError as err:
            self._message(f"⚠️ {err} — still using the last good kernel.")
            return False
        return self._try_kernel(kernel, from_text=True)

    def _on_setting(self, change):
        if self._quiet:
            return
        if not _fits(self._image.shape, self.kernel.shape, self.padding.value):
            self._message(
                f"⚠️ a {self.kernel.shape[0]}×{self.kernel.shape[1]} kernel does not fit the "
                f"{self._image.shape[0]}×{self._image.shape[1]} image with padding "
                f"{self.padding.value}; {change['owner'].description} set back to {change['old']}."
            )
            self._quietly(lambda: setattr(change["owner"], "value", change["old"]))
            return
        if self.kernel_message.value and self._adopt_text():  # a typed kernel that fits now
            return
        self._refresh()

    def _quietly(self, action):
        self._quiet, was = True, self._quiet
        try:
            action()
        finally:
            self._quiet = was

    def _message(self, text: str):
        self.kernel_message.value = f'<span style="color:#b35806">{html.escape(text)}</span>'

    def _try_kernel(self, kernel, from_text=False) -> bool:
        """Use kernel (kh, kw) if it fits the padded image (True); else keep the last good one."""
        if not _fits(self._image.shape, kernel.shape, self.padding.value):
            self._message(
                f"⚠️ a {kernel.shape[0]}×{kernel.shape[1]} kernel does not fit the "
                f"{self._image.shape[0]}×{self._image.shape[1]} image with padding "
                f"{self.padding.value} — still using the last good kernel."
            )
            return False
        self.kernel = kernel
        self.kernel_message.value = ""
        self._quietly(lambda: self._sync_kernel_controls(from_text))
        self._refresh()
        return True

    def _sync_kernel_controls(self, from_text):
        """Show the kernel in the preset menu and (unless typed) in the text box."""
        names = {**KERNELS, "2×2 example": EXAMPLE_KERNEL}
        same = [n for n, k in names.items() if k.shape == self.kernel.shape]
        match = [n for n in same if np.allclose(names[n], self.kernel, atol=5e-5)]
        self.preset.value = match[0] if match else _CUSTOM
        if not from_text:
            self.kernel_text.value = _kernel_text(self.kernel)

    def _set_image(self, choice):
        key = self._images[choice]
        if key == "own":
            image = self._own_image
            vmin, vmax, about = float(image.min()), float(image.max()), "your image"
            vmax = vmax if vmax > vmin else vmin + 1
        else:
            image, vmin, vmax, about = _load_image(key)
        self._image, self._range, self._about = image, (vmin, vmax), about
        if key == "example" or not _fits(image.shape, self.kernel.shape, self.padding.value):
            self.kernel = EXAMPLE_KERNEL.copy()  # 2x2 fits every image
        self.kernel_message.value = ""
        self._quietly(lambda: self._sync_kernel_controls(False))
        self._refresh()

    # --- computing (once per setting) and drawing (once per step) ----------------

    def _refresh(self):
        """Recompute the maps and pictures for the current settings, then draw the step."""
        self._compute_maps()
        self._paint_bases()
        self._set_ranges()
        self._show_step()

    def _compute_maps(self):
        p, s = self.padding.value, self.stride.value
        self._padded = np.pad(self._image, p)  # (H + 2p, W + 2p), zeros around
        self._k_used = self.kernel[::-1, ::-1] if self.flip.value else self.kernel
        self.reference_map = conv2d(
            self._image, self.kernel, stride=s, padding=p, flip=self.flip.value
        )
        self._out_shape = self.reference_map.shape
        self.feature_map, problem = self.reference_map, None
        if self._conv_fn is not None:
            self.feature_map, problem = self._learner_map()
        self.note.value = self._note_html(problem)

    def _learner_map(self):
        """(map (Ho, Wo) with NaN where the learner's function gave nothing, problem or None)."""
        out, mistake, _ = _run_conv(self._conv_fn, self._padded, self._k_used, time_limit=5.0)
        shown = np.full(self._padded.shape, np.nan)  # room for any sensible answer
        try:
            out = np.asarray(out, dtype=np.float64)
        except Exception:  # whatever the learner returned, it is not a grid of numbers
            out = None
        if out is not None and out.ndim == 2:
            h, w = min(out.shape[0], shown.shape[0]), min(out.shape[1], shown.shape[1])
            shown[:h, :w] = out[:h, :w]
        kh, kw = self._k_used.shape
        valid = shown[: shown.shape[0] - kh + 1, : shown.shape[1] - kw + 1]  # (H+2p-kh+1, ...)
        s = self.stride.value
        return valid[::s, ::s], None if mistake is None else mistake[0]  # (Ho, Wo), str

    def _note_html(self, problem) -> str:
        if self._conv_fn is None:
            return ""
        name = html.escape(getattr(self._conv_fn, "__name__", "your function"))
        kernel = "the flipped kernel" if self.flip.value else "kernel"
        how = f"The feature map is drawn by <code>{name}(padded image, {kernel})</code>"
        if self.stride.value > 1:
            how += f", keeping every {self.stride.value}-th value (stride)"
        if problem is None:
            return f"✅ {how}: it matches conv2d everywhere."
        return (
            f"❌ {how}, and it differs from conv2d: {html.escape(problem)}. "
            "The sum above is computed by the explorer, not by your function."
        )

    def _paint_bases(self):
        """Colour the padded image and the whole feature map once; steps copy from these."""
        p = self.padding.value
        s = self._scale = max(1, _DISPLAY_PX // max(self._padded.shape))  # screen px per pixel
        rgb = framed(colorize(self._padded, *self._range, "gray"), s)
        if p:  # mark where the real image ends and the zero padding begins
            h, w = self._image.shape
            edge = MARGIN + p * s - 1
            outline(rgb, edge, edge, h * s + 2, w * s + 2, _EDGE_COLOUR, 1)
        self._image_base = rgb
        finite = self.feature_map[np.isfinite(self.feature_map)]
        m = float(np.abs(finite).max()) if finite.size else 1.0
        m = m if m > 0 else 1.0
        colours = colorize(np.nan_to_num(self.feature_map), -m, m, _SIGNED)  # (Ho, Wo, 3)
        colours[~np.isfinite(self.feature_map)] = _NO_VALUE
        ms = self._map_scale = s * self.stride.value  # a cell as wide as the stride it stands for
        self._map_base = framed(colours, ms)
        self._map_blank = framed(np.broadcast_to(_NOT_YET, (*colours.shape[:2], 3)), ms)
        for view, picture in [(self.image_view, rgb), (self.feature_map_view, self._map_base)]:
            # shown at exactly its own size: no blur, no stretching to the box around it
            view.layout.width, view.layout.height = f"{picture.shape[1]}px", f"{picture.shape[0]}px"
        self._paint_labels(m)

    def _paint_labels(self, m):
        """Titles, legends, kernel grid and output-size formula: they change per setting only."""
        (h, w), p, s = self._image.shape, self.padding.value, self.stride.value
        kh, kw = self.kernel.shape
        shape = f"({h}, {w})" + (f", padded to {self._padded.shape}" if p else "")
        self.image_title.value = f"<b>image</b> {shape}: {html.escape(self._about)}"
        vmin, vmax = self._range
        self.image_legend.value = (
            colorbar_html(vmin, vmax, "gray", "pixel value")
            + swatch(_PATCH_COLOUR, f"the {kh}×{kw} patch under the kernel")
            + (
                "<br>" + swatch(_EDGE_COLOUR, "edge of the image; outside: zero padding")
                if p
                else ""
            )
        )
        ho, wo = self._out_shape
        self.feature_map_title.value = f"<b>feature map</b> ({ho}, {wo})"
        self.feature_map_legend.value = (
            colorbar_html(-m, m, _SIGNED, "feature-map value")
            + swatch(_NOT_YET, "not computed yet")
            + (
                "<br>" + swatch(_NO_VALUE, "no value from your function")
                if self._has_gaps()
                else ""
            )
        )
        k = np.abs(self._k_used).max() or 1.0
        self.kernel_view.value = html_grid(
            self._k_used,
            fmt=fmt_for(self._k_used),
            vmin=-k,
            vmax=k,
            cmap=_SIGNED,
            caption="flipped kernel" if self.flip.value else "kernel",
            cell_px=38,
        )
        self.formula.value = (
            "output size = (N + 2·padding − k) // stride + 1 → "
            + size_formula(h, kh, p, s, "rows")
            + ", "
            + size_formula(w, kw, p, s, "columns")
        )
        self.products_title.value = (
            f"<b>patch</b> ({kh}, {kw}) ⊙ <b>kernel</b> ({kh}, {kw})"
            + (" rotated 180°" if self.flip.value else "")
            + f" = <b>products</b> ({kh}, {kw}); their sum is one feature-map value"
        )

    def _has_gaps(self) -> bool:
        return bool(np.isnan(self.feature_map).any())

    def _set_ranges(self):
        """Slider ranges that match the output size, keeping (row, col) where possible."""
        ho, wo = self._out_shape

        def update():
            row, col = min(self.row.value, ho - 1), min(self.col.value, wo - 1)
            self.row.max, self.col.max = ho - 1, wo - 1
            self.position.max = self.play.max = ho * wo - 1
            self.row.value, self.col.value = row, col
            self.position.value = self.play.value = row * wo + col

        self._quietly(update)

    def _show_step(self):
        """Draw the current position: outline, patch, products, sum, feature map so far."""
        i, j = self.row.value, self.col.value
        s, kh, kw = self.stride.value, *self._k_used.shape
        self.patch = self._padded[i * s : i * s + kh, j * s : j * s + kw]  # (kh, kw)
        self.products = self.patch * self._k_used + 0.0  # (kh, kw); + 0.0 turns -0 into 0
        self.sum_value = float(self.products.sum())
        self.image_view.value = png_bytes(self._image_picture(i * s, j * s))
        self.feature_map_view.value = png_bytes(self._map_picture(i, j))
        vmin, vmax = self._range
        self.patch_view.value = html_grid(
            self.patch, fmt=fmt_for(self.patch), vmin=vmin, vmax=vmax, caption="patch", cell_px=38
        )
        m = float(np.abs(self.products).max()) or 1.0
        self.products_view.value = html_grid(
            self.products,
            fmt=fmt_for(self.products),
            vmin=-m,
            vmax=m,
            cmap=_SIGNED,
            caption="products",
            cell_px=38,
        )
        theirs = self.feature_map[i, j] if self._conv_fn is not None else None
        self.sum_view.value = sum_html(self.patch, self._k_used, self.sum_value, (i, j), theirs)

    def _image_picture(self, top, left):
        """The padded image (RGB, upscaled) with the patch at (top, left) outlined."""
        s, (kh, kw) = self._scale, self._k_used.shape
        y, x = MARGIN + top * s - 2, MARGIN + left * s - 2  # just outside the patch
        return outline(self._image_base.copy(), y, x, kh * s + 4, kw * s + 4, _PATCH_COLOUR, 3)

    def _map_picture(self, i, j):
        """The feature map filled in up to cell (i, j) row by row, that cell ringed."""
        s, m = self._map_scale, MARGIN
        rgb = self._map_blank.copy()
        done, now = slice(m, m + i * s), slice(m + i * s, m + (i + 1) * s)
        rgb[done] = self._map_base[done]  # the finished rows (and the margin beside them)
        rgb[now, : m + (j + 1) * s] = self._map_base[now, : m + (j + 1) * s]  # this row so far
        y, x = m + i * s, m + j * s
        outline(rgb, y - 3, x - 3, s + 6, s + 6, (0, 0, 0), 2)  # black ring, white inside it:
        return outline(rgb, y - 1, x - 1, s + 2, s + 2, (255, 255, 255), 1)  # seen on any colour

    # --- the learner's function -------------------------------------------------

    @property
    def conv_fn(self):
        """The learner's fn(image, kernel) drawing the feature map, or None for conv2d."""
        return self._conv_fn

    @conv_fn.setter
    def conv_fn(self, fn):
        self._conv_fn = fn
        self._refresh()
