"""KernelExplorer: slide a kernel over an image and watch the feature map fill in (notebook 04).

    from convhelpers import KernelExplorer
    KernelExplorer()                       # an MNIST digit and the Sobel-x kernel
    KernelExplorer(conv_fn=my_conv2d)      # your own convolution draws the feature map

The page draws everything (explorer.js, beside this file) from data Python sends once per
input: the image, the kernel and the whole stride-1 feature map for both flip settings and every
padding 0-3 at which the kernel fits. Stride s keeps every s-th value of a stride-1 map
([::s, ::s]), so a step, Play, hovering, padding, stride and flip all repaint in the browser
with no message to wait for: they stay live while a cell runs and on a static page. Python
computes only when an input changes: the image, the kernel (typed or a preset) or the
learner's conv_fn.

Size: at most 8 maps (2 flips x 4 paddings) of at most (128 + 6)² float64 values, for the
largest image (128 x 128) and a 1 x 1 kernel: 2 x 549,312 bytes ≈ 1.1 MB, and as much again
for a conv_fn's maps; well under common.MAX_BYTES (8 MB) for a widget.
"""

import contextlib

import anywidget
import numpy as np
import traitlets as t

from .._validate import as_int, as_numeric_array
from ..checks_conv import run_learner_conv
from ..conv import KERNELS, conv2d
from .base import esm, f32_bytes, f64_bytes, lut_bytes
from .explorer_inputs import (
    EXAMPLE_KERNEL,
    MAX_IMAGE,
    fits,
    kernel_text,
    load_image,
    parse_kernel,
    resolve_kernel,
)

__all__ = ["KernelExplorer"]

IMAGES = {
    "MNIST digit": "digit",
    "4×4 example (2×2 kernel)": "example",
    "photo crop (32×32)": "photo",
}
PRESETS = {**KERNELS, "2×2 example": EXAMPLE_KERNEL}
TYPED = "(typed in)"  # the preset menu's entry for a kernel that is no preset
PADDINGS, STRIDES = range(4), range(1, 4)  # the sliders' values: padding 0-3, stride 1-3
FLIPS = (False, True)  # the checkbox's values: both are sent, the page picks one


class KernelExplorer(anywidget.AnyWidget):
    """A live widget: a kernel slides over an image, the feature map fills in.

    KernelExplorer(image=None, kernel="sobel x", *, conv_fn=None, padding=0,
    stride=1, flip=False). image is a 2-D array (H, W) of at most 128 x 128, or
    one of "digit", "example", "photo"; kernel is a name from KERNELS, typed
    text or an array (kh, kw). conv_fn(image, kernel) -> (Ho, Wo), if given,
    draws the feature map instead of conv2d; it is called once per padding 0-3
    with the padded image and the kernel, and once more with the kernel rotated
    180° (what flip shows), and every stride-th value of what it returns is shown.

    Python sends the page conv2d's stride-1 map for both flips and every padding
    once per input; a feature map at stride s is that map's every s-th value
    ([::s, ::s]). The page and the properties below pick from the same stored
    maps, so moving the padding or stride slider or ticking flip needs no answer
    from Python and both show the same numbers. A padding at which the kernel
    does not fit is set back.

    Display the object in a notebook. Set from Python or in the page (synced traits):
    ``image_choice``, ``preset``, ``kernel_text``, ``flip``, ``padding`` (0-3),
    ``stride`` (1-3), ``position`` (row * columns + col), ``row``, ``col``, ``playing``,
    ``interval`` (ms per step while playing). Read back what the page shows: ``patch``,
    ``products``, ``sum_value`` (at row, col), ``feature_map`` (the panel when complete:
    the learner's map, NaN where it gave nothing, or conv2d's), ``reference_map`` (conv2d's),
    ``kernel`` (as given, (kh, kw)), ``image`` (unpadded, (H, W)), ``output_shape``,
    ``kernel_message`` (why a kernel or setting was refused) and ``note`` (on conv_fn).
    """

    _esm = esm("explorer.js")

    # Inputs: a student sets them in the page, a notebook or a test from Python.
    image_choice = t.Unicode().tag(sync=True)
    preset = t.Unicode(TYPED).tag(sync=True)
    kernel_text = t.Unicode().tag(sync=True)
    padding = t.Int(0, min=0, max=3).tag(sync=True)
    stride = t.Int(1, min=1, max=3).tag(sync=True)
    flip = t.Bool(False).tag(sync=True)
    position = t.Int(0).tag(sync=True)  # the output cell, counted row by row
    row = t.Int(0).tag(sync=True)
    col = t.Int(0).tag(sync=True)
    playing = t.Bool(False).tag(sync=True)
    interval = t.Int(100, min=10, max=2000).tag(sync=True)  # ms per step while playing

    # What the page draws from, sent when an input changes (never per step).
    image_options = t.List(t.Unicode()).tag(sync=True)
    preset_options = t.List(t.Unicode(), [*PRESETS, TYPED]).tag(sync=True)
    frame = t.Dict().tag(sync=True)  # the shapes and settings the bytes below were made with
    image_bytes = t.Bytes().tag(sync=True)  # float32 (H, W), unpadded
    kernel_bytes = t.Bytes().tag(sync=True)  # float32 (kh, kw) as given; the page flips it
    # float64: conv2d's stride-1 map for padding 0, 1, 2, 3 one after the other, leaving out
    # the paddings where the kernel does not fit (their shapes are frame["maps"]), first with
    # flip off, then the same with flip on. The sums shown.
    maps_bytes = t.Bytes().tag(sync=True)
    learner_bytes = t.Bytes().tag(sync=True)  # the same for conv_fn, NaN: no value; b"": none
    gray_lut = t.Bytes().tag(sync=True)  # 768 bytes: the image's colours
    signed_lut = t.Bytes().tag(sync=True)  # 768 bytes: blue negative, white 0, red positive
    kernel_message = t.Unicode().tag(sync=True)
    answered = t.Int(0).tag(sync=True)  # +1 per input handled: the page knows Python answered

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
        options = dict(IMAGES)
        if image is None or isinstance(image, str):
            names = {v: k for k, v in IMAGES.items()}
            if (image or "digit") not in names:
                raise ValueError(f"image must be an array or one of {list(names)}, got {image!r}")
            choice = names[image or "digit"]
        else:
            self._own = as_numeric_array(image, "image", ndim=2).astype(np.float64)
            if max(self._own.shape) > MAX_IMAGE or min(self._own.shape) < 2:
                raise ValueError(
                    f"image must be between 2×2 and {MAX_IMAGE}×{MAX_IMAGE} pixels (so each "
                    f"one stays visible), got {self._own.shape}"
                )
            choice = f"your image {self._own.shape}"
            options[choice] = "own"
        kernel = resolve_kernel(kernel)
        padding, stride = as_int(padding, "padding", 0), as_int(stride, "stride", 1)
        if padding > 3 or stride > 3:
            raise ValueError(f"padding must be 0-3 and stride 1-3, got {padding} and {stride}")
        self._quiet = True  # observers wait until the state is complete
        self._options, self._conv_fn = options, conv_fn
        self._typed_waits = False  # a typed kernel was too big: a larger padding may fit it
        self._set_back = False  # kernel_message says a setting was set back
        super().__init__(image_options=list(options), padding=padding, stride=stride, flip=flip)
        self.gray_lut, self.signed_lut = lut_bytes("gray"), lut_bytes("RdBu_r")
        self._kernel = kernel
        self._set_image(choice)  # the 4x4 example, or an image too small, takes the 2x2 kernel
        self._quiet = False

    # --- what the page shows, computed here from the same state --------------------

    @property
    def kernel(self) -> np.ndarray:
        """The kernel in use, as given (not flipped), float64 (kh, kw)."""
        return self._kernel.copy()

    @property
    def image(self) -> np.ndarray:
        """The image in use, unpadded, float64 (H, W)."""
        return self._image.copy()

    @property
    def reference_map(self) -> np.ndarray:
        """conv2d's feature map at this flip, padding and stride, float64 (Ho, Wo), read-only."""
        s = self.stride  # below, flip False / True picks the list's item 0 / 1
        return self._maps[self.flip][self.padding][::s, ::s]  # every s-th value, stride 1's

    @property
    def feature_map(self) -> np.ndarray:
        """The map in the panel when complete, float64 (Ho, Wo): the learner's (NaN where
        it gave nothing) if there is a conv_fn, else conv2d's."""
        if self._conv_fn is None:
            return self.reference_map
        s = self.stride
        return self._learner[self.flip][self.padding][::s, ::s]

    @property
    def output_shape(self) -> tuple[int, int]:
        """(Ho, Wo): the feature map's shape, so position runs from 0 to Ho * Wo - 1."""
        return self.reference_map.shape

    @property
    def note(self) -> str:
        """What the page says under the sum about conv_fn at this flip, padding and stride
        ("": none)."""
        return self.frame["notes"][self.flip][self.padding][self.stride - 1]

    @property
    def patch(self) -> np.ndarray:
        """The padded image under the kernel at (row, col), float64 (kh, kw)."""
        kh, kw = self._kernel.shape
        top, left = self.row * self.stride, self.col * self.stride
        padded = np.pad(self._image, self.padding)  # (H + 2p, W + 2p), zeros around
        return padded[top : top + kh, left : left + kw]

    @property
    def products(self) -> np.ndarray:
        """patch * kernel (flipped if flip is on), float64 (kh, kw); -0 shown as 0."""
        used = self._kernel[::-1, ::-1] if self.flip else self._kernel
        return self.patch * used + 0.0

    @property
    def sum_value(self) -> float:
        """The sum of the products: conv2d's feature map at (row, col), as the page shows it."""
        return float(self.reference_map[self.row, self.col])

    @property
    def conv_fn(self):
        """The learner's fn(image, kernel) drawing the feature map, or None for conv2d."""
        return self._conv_fn

    @conv_fn.setter
    def conv_fn(self, fn):
        self._conv_fn = fn
        self._recompute()

    # --- keeping position, row and col in step -------------------------------------

    @contextlib.contextmanager
    def _internal(self):
        """Trait changes made by the explorer itself: its observers ignore them."""
        self._quiet, was = True, self._quiet
        try:
            yield
        finally:
            self._quiet = was

    @t.validate("position", "row", "col")
    def _clamp(self, proposal):
        maps = getattr(self, "_maps", None)  # None while __init__ runs
        if maps is None or maps[0][self.padding] is None:  # (a padding about to be set back)
            return proposal.value
        ho, wo = self.output_shape
        top = {"position": ho * wo, "row": ho, "col": wo}[proposal.trait.name] - 1
        return min(max(int(proposal.value), 0), top)

    def _keep_position_inside(self):
        """Clamp row and col to the output shape (after a padding, stride or map change)."""
        ho, wo = self.output_shape
        with self._internal():
            self.row, self.col = min(self.row, ho - 1), min(self.col, wo - 1)
            self.position = self.row * wo + self.col

    @t.observe("position")
    def _on_position(self, change):
        if not self._quiet:
            with self._internal():
                self.row, self.col = divmod(self.position, self.reference_map.shape[1])

    @t.observe("row", "col")
    def _on_row_col(self, change):
        if not self._quiet:
            with self._internal():
                self.position = self.row * self.reference_map.shape[1] + self.col

    # --- inputs the page sends: each is answered (answered += 1) --------------------

    @t.observe("image_choice", "preset", "kernel_text", "padding", "stride", "flip")
    def _on_input(self, change):
        if self._quiet:
            return
        try:
            if change.name == "image_choice":
                self._set_image(change.new)
            elif change.name == "preset":
                if change.new != TYPED:
                    self._try_kernel(PRESETS[change.new].copy())
            elif change.name == "kernel_text":
                self._adopt_text()
            elif change.name == "flip":
                pass  # both flips' maps are stored (and were sent): the properties pick one
            else:
                self._on_setting(change)
        finally:
            self.answered += 1

    @t.validate("image_choice")
    def _known_image(self, proposal):
        if proposal.value not in self._options:
            raise t.TraitError(f"image_choice must be one of {list(self._options)}")
        return proposal.value

    @t.validate("preset")
    def _known_preset(self, proposal):
        if proposal.value not in self.preset_options:
            raise t.TraitError(f"preset must be one of {self.preset_options}")
        return proposal.value

    def _on_setting(self, change):
        """padding or stride: nothing to compute, the maps for every padding are stored (and
        were sent), so the properties and the page just pick another one."""
        if self._maps[0][self.padding] is None:  # the kernel does not fit (either flip): back
            kh, kw = self._kernel.shape
            h, w = self._image.shape
            self.kernel_message = (
                f"⚠️ a {kh}×{kw} kernel does not fit the {h}×{w} image with padding "
                f"{self.padding}; {change.name} set back to {change.old}."
            )
            self._set_back = True
            with self._internal():
                setattr(self, change.name, change.old)
        elif change.name == "padding" and self._typed_waits and self._adopt_text():
            pass  # the typed kernel fits now: it was used, and everything recomputed
        else:
            if self._set_back:  # the last setting was set back; this one is fine
                self.kernel_message, self._set_back = "", False
            self._keep_position_inside()

    def _adopt_text(self) -> bool:
        """Use the typed kernel if it parses and fits; else say why. True if it was used."""
        try:
            kernel = parse_kernel(self.kernel_text)
        except ValueError as err:
            self.kernel_message = f"⚠️ {err} — still using the last good kernel."
            self._typed_waits = self._set_back = False
            return False
        return self._try_kernel(kernel, from_text=True)

    def _try_kernel(self, kernel, from_text=False) -> bool:
        """Use kernel (kh, kw) if it fits the padded image (True); else keep the last good one."""
        self._typed_waits = self._set_back = False
        if not fits(self._image.shape, kernel.shape, self.padding):
            (kh, kw), (h, w) = kernel.shape, self._image.shape
            self.kernel_message = (
                f"⚠️ a {kh}×{kw} kernel does not fit the {h}×{w} image with padding "
                f"{self.padding} — still using the last good kernel."
            )
            self._typed_waits = from_text
            return False
        self._kernel = kernel
        self._show_kernel(from_text)
        return True

    def _show_kernel(self, from_text):
        """Show the kernel in the preset menu and (unless typed) the text box; recompute."""
        same = [n for n, k in PRESETS.items() if k.shape == self._kernel.shape]
        match = [n for n in same if np.allclose(PRESETS[n], self._kernel, atol=5e-5)]
        with self._internal():
            self.kernel_message = ""
            self.preset = match[0] if match else TYPED
            if not from_text:
                self.kernel_text = kernel_text(self._kernel)
        self._recompute()

    def _set_image(self, choice):
        key = self._options[choice]
        if key == "own":
            image, about = self._own, "your image"
            vmin, vmax = float(image.min()), float(image.max())
            vmax = vmax if vmax > vmin else vmin + 1
        else:
            image, vmin, vmax, about = load_image(key)
        self._image, self._range, self._about = image, (vmin, vmax), about
        with self._internal():
            self.image_choice = choice
        if key == "example" or not fits(image.shape, self._kernel.shape, self.padding):
            self._kernel = EXAMPLE_KERNEL.copy()  # 2x2 fits every image
        self._show_kernel(from_text=False)

    # --- computing: once per input ---------------------------------------------------

    def _recompute(self):
        """conv2d's stride-1 map for both flips and every padding at which the kernel fits (and
        the learner's, if any), sent to the page in one message with their frame. Flip, padding
        and stride changes pick from these maps (see reference_map): nothing is recomputed or
        sent for them."""
        self._maps, self._learner, notes = [], [], []  # each [flip][padding]: flip off, on
        slow = None  # a conv_fn too slow for the time limit is not called again
        for flip in FLIPS:
            maps, learner, flip_notes, slow = self._maps_at(flip, slow)
            self._maps.append(maps)
            self._learner.append(learner)
            notes.append(flip_notes)
        with self.hold_sync(), self._internal():
            self.image_bytes = f32_bytes(self._image)
            self.kernel_bytes = f32_bytes(self._kernel)
            self.maps_bytes = self._joined(self._maps)
            self.learner_bytes = b"" if self._conv_fn is None else self._joined(self._learner)
            self.frame = {
                "image": list(self._image.shape),
                "kernel": list(self._kernel.shape),
                # the same shapes for both flips
                "maps": [None if m is None else list(m.shape) for m in self._maps[0]],
                "notes": notes,  # [flip][padding][stride - 1]: the note under the sum
                "range": list(self._range),
                "about": self._about,
            }
            self._keep_position_inside()

    @staticmethod
    def _joined(maps) -> bytes:
        """maps [flip][padding] (None: does not fit) as float64 bytes: flip off, then on."""
        return b"".join(f64_bytes(m) for one_flip in maps for m in one_flip if m is not None)

    def _maps_at(self, flip, slow):
        """For one flip setting, per padding 0-3 (None where the kernel does not fit): conv2d's
        stride-1 map, the learner's (None without a conv_fn) and the notes per stride; and
        slow, the problem of a conv_fn that ran out of time (it is not called again)."""
        maps, learners, notes = [], [], []
        for p in PADDINGS:
            if not fits(self._image.shape, self._kernel.shape, p):
                maps.append(None)
                learners.append(None)
                notes.append(None)
                continue
            full = conv2d(self._image, self._kernel, padding=p, flip=flip)  # stride 1
            full.setflags(write=False)  # (H + 2p - kh + 1, W + 2p - kw + 1), shared with views
            maps.append(full)
            learner, problem = None, None
            if self._conv_fn is not None:
                learner, problem, slow = self._learner_map(p, flip, slow)
            learners.append(learner)
            notes.append([self._note(problem, s, flip) for s in STRIDES])
        return maps, learners, notes, slow

    def _learner_map(self, padding, flip, slow):
        """The learner's stride-1 map at padding and flip (NaN where it gave nothing), its
        problem or None, and the problem again if it was too slow (then it is not called
        again)."""
        padded = np.pad(self._image, padding)  # (H + 2p, W + 2p)
        kh, kw = self._kernel.shape
        shown = np.full((padded.shape[0] - kh + 1, padded.shape[1] - kw + 1), np.nan)
        if slow is not None:  # it ran out of time before: not called again
            shown.setflags(write=False)
            return shown, slow, slow
        used = self._kernel[::-1, ::-1] if flip else self._kernel  # rotated 180° for flip
        out, mistake, too_slow = run_learner_conv(self._conv_fn, padded, used, time_limit=5.0)
        try:
            out = np.asarray(out, dtype=np.float64)
        except Exception:  # whatever the learner returned, it is not a grid of numbers
            out = None
        if out is not None and out.ndim == 2:  # show what fits of any sensible answer
            h, w = min(out.shape[0], shown.shape[0]), min(out.shape[1], shown.shape[1])
            shown[:h, :w] = out[:h, :w]
        shown.setflags(write=False)
        problem = None if mistake is None else mistake[0]
        return shown, problem, problem if too_slow else None

    def _note(self, problem, stride, flip) -> str:
        """The note under the sum on the learner's conv_fn at one flip, padding and stride."""
        if self._conv_fn is None:
            return ""
        name = getattr(self._conv_fn, "__name__", "your function")
        kernel = "the flipped kernel" if flip else "kernel"
        how = f"The feature map is drawn by {name}(padded image, {kernel})"
        if stride > 1:
            how += f", keeping every {stride}-th value (stride)"
        if problem is None:
            return f"✅ {how}: it matches conv2d everywhere."
        return (
            f"❌ {how}, and it differs from conv2d: {problem}. "
            "The sum above is computed by the explorer, not by your function."
        )
