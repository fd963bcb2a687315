"""Receptive fields: which input pixels one unit of a layer sees (notebook 07).

    fields = receptive_field(small_cnn())
    fields[3]              # layer 3, the second convolution: 8x8 pixels, jump 2, start -3
    fields[3].window(0, 0) # (top, left) of unit (0, 0)'s window: (-3, -3), partly padding
    top_patches(model, X_test, layer=3, channels=[0, 1])  # the patches that excite them most

A *unit* is one number of a layer's output, at one channel and one position (i, j).
Its *receptive field* is the square window of input pixels that can change it. Three
integers describe the windows of a whole layer, measured in input pixels:

    size   the window's side
    jump   how far apart the windows of two neighbouring units are
    start  the top (and left) input row of unit (0, 0)'s window; negative when the
           window hangs over the zero padding

The rule, one layer at a time, starting from the image (size 1, jump 1, start 0):

    a k x k convolution (stride s, padding p; locally connected too), or a k x k pooling:
        size += (k - 1) * jump      the k windows of the layer below, each jump apart
        start -= p * jump           padding shifts the first window up and left
        jump *= s                   neighbouring units are s units of the layer below apart
    ReLU: nothing changes (it works on each number alone)
    Flatten: nothing changes (it only lines the numbers up, one per unit of the layer below)
    Dense, GlobalAvgPool: each unit mixes every position, so it sees the whole image
"""

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from ._validate import as_int, as_numeric_array
from .images import to_float
from .local import LocallyConnected2D
from .models import Conv2D, Dense, Flatten, GlobalAvgPool, MaxPool2D, ReLU, Sequential

__all__ = [
    "ReceptiveField",
    "TopPatches",
    "cut_window",
    "layer_output",
    "receptive_field",
    "receptive_field_table",
    "show_receptive_fields",
    "show_top_patches",
    "top_patches",
    "pixels_that_change",
    "show_unit_inputs",
    "unit_inputs",
]

# Okabe-Ito colours (colour-blind safe), one per nested window in the figures.
WINDOW_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
OUTSIDE_COLOUR = "#56B4E9"  # pixels of a cut-out window that lie outside the image (padding)


@dataclass(frozen=True)
class ReceptiveField:
    """The input windows of one layer's units (all in input pixels; see the module docstring).

    index: the layer's position in model.layers; layer: its description;
    output_shape: one example's output, (C, H, W) or (D,); size, jump, start:
    integers, or None for a layer whose units see the whole image; kernel, stride,
    padding: the window the layer itself slides (None for ReLU, Flatten, Dense...).
    """

    index: int
    layer: str
    output_shape: tuple
    size: int | None
    jump: int | None
    start: int | None
    kernel: int | None = None
    stride: int | None = None
    padding: int | None = None

    @property
    def whole_image(self) -> bool:
        """True when every unit of this layer sees the whole image (Dense, GlobalAvgPool)."""
        return self.size is None

    @property
    def on_grid(self) -> bool:
        """True when the output is a stack of maps (C, H, W), so units have positions (i, j)."""
        return len(self.output_shape) == 3

    def window(self, i: int, j: int) -> tuple[int, int]:
        """(top, left) input pixel of unit (i, j)'s window; it spans size x size pixels."""
        if not self.on_grid or self.whole_image:
            raise ValueError(f"layer {self.index} ({self.layer}) has no grid of units (i, j)")
        _, height, width = self.output_shape
        i, j = as_int(i, "i", 0), as_int(j, "j", 0)
        if i >= height or j >= width:
            raise ValueError(f"unit ({i}, {j}) is outside layer {self.index}'s {height}x{width}")
        return self.start + i * self.jump, self.start + j * self.jump

    def unit_near(self, row: float, col: float) -> tuple[int, int]:
        """The unit (i, j) whose window is centred closest to input pixel (row, col)."""
        _, height, width = self.output_shape
        self.window(0, 0)  # raises for layers without a grid
        centre = self.start + (self.size - 1) / 2  # the centre of unit 0's window

        def nearest(x, n):
            return int(np.clip(np.floor((x - centre) / self.jump + 0.5), 0, n - 1))

        return nearest(row, height), nearest(col, width)

    def describe(self) -> str:
        """The window in words, e.g. '8×8 px, jump 2, start -3' or 'the whole image'."""
        if self.whole_image:
            return "the whole image"
        return f"{self.size}×{self.size} px, jump {self.jump}, start {self.start}"


def _window_of(layer) -> tuple[int, int, int] | None:
    """(kernel size, stride, padding) of a layer that slides a window; None if it has none."""
    if isinstance(layer, (Conv2D, LocallyConnected2D)):  # the same windows, shared weights or not
        return layer.params["w"].shape[-1], layer.stride, layer.padding
    if isinstance(layer, MaxPool2D):
        return 2, 2, 0  # the course's pooling: 2x2 blocks, stride 2
    return None


def receptive_field(model, input_shape: tuple | None = None) -> list[ReceptiveField]:
    """The receptive field of every layer of a Sequential model: one ReceptiveField per layer.

    fields[k] describes the units of model.layers[k] (what model.activations(X)[k]
    holds). input_shape: one example's (C, H, W), needed when the model accepts
    any size (input_shape (1, None, None)); default model.input_shape.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a convhelpers Sequential, got {type(model).__name__}")
    shape = tuple(model.input_shape if input_shape is None else input_shape)
    if len(shape) != 3 or not all(isinstance(n, (int, np.integer)) and n > 0 for n in shape):
        raise ValueError(
            f"input_shape must be one example's (C, H, W) in whole numbers, got {shape} "
            "(pass input_shape=(1, 28, 28) for a model that takes any size)"
        )
    size, jump, start = 1, 1, 0  # one input pixel sees itself
    fields = []
    for index, layer in enumerate(model.layers):
        shape = layer.output_shape(shape)
        window = _window_of(layer)
        if size is None or isinstance(layer, (Dense, GlobalAvgPool)):
            size = jump = start = None  # every position mixed together: the whole image
        elif window is not None:
            k, stride, padding = window
            size += (k - 1) * jump
            start -= padding * jump
            jump *= stride
        elif not isinstance(layer, (ReLU, Flatten)):
            raise TypeError(
                f"layer {index} is a {type(layer).__name__}: receptive_field knows Conv2D, "
                "LocallyConnected2D, MaxPool2D, ReLU, Flatten, Dense and GlobalAvgPool"
            )
        own = window if window is not None and size is not None else (None, None, None)
        fields.append(ReceptiveField(index, repr(layer), tuple(shape), size, jump, start, *own))
    return fields


def receptive_field_table(model, input_shape: tuple | None = None) -> str:
    """A table: each layer, its output shape, and the window one of its units sees."""
    fields = receptive_field(model, input_shape)
    lines = [f"{'layer':<34}{'output shape':<15}{'window':>7}{'jump':>6}{'start':>7}"]
    shape = tuple(model.input_shape if input_shape is None else input_shape)
    lines.append(f"{'input':<34}{str(shape):<15}{'1×1':>7}{1:>6}{0:>7}")
    for f in fields:
        name = f"{f.index}: {f.layer}"
        if f.whole_image:
            lines.append(f"{name:<34}{str(f.output_shape):<15}  the whole image")
        else:
            size = f"{f.size}×{f.size}"
            lines.append(f"{name:<34}{str(f.output_shape):<15}{size:>7}{f.jump:>6}{f.start:>7}")
    return "\n".join(lines)


def cut_window(image, top: int, left: int, size: int, *, fill: float = 0.0) -> np.ndarray:
    """The size x size window of image (H, W) whose top-left pixel is (top, left): (size, size).

    Pixels of the window outside the image get ``fill``: 0 is the zero padding the
    network saw there; np.nan marks them (the figures draw them in their own colour).
    """
    image = as_numeric_array(image, "image", ndim=2)
    size = as_int(size, "size", 1)
    top, left = as_int(top, "top", -(2**31)), as_int(left, "left", -(2**31))
    patch = np.full((size, size), float(fill))
    height, width = image.shape
    r0, r1 = max(top, 0), min(top + size, height)  # the rows inside both window and image
    c0, c1 = max(left, 0), min(left + size, width)
    if r0 < r1 and c0 < c1:
        patch[r0 - top : r1 - top, c0 - left : c1 - left] = image[r0:r1, c0:c1]
    return patch


def layer_output(model, X, layer: int) -> np.ndarray:
    """The output of model.layers[layer] for images X: (N, ...) float32.

    The same numbers as model.activations(X)[layer], but only the layers up to
    this one run, and only this layer's output is kept (in batches, as model.scores).
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a convhelpers Sequential, got {type(model).__name__}")
    layer = as_int(layer, "layer", 0)
    if layer >= len(model.layers):
        raise ValueError(f"layer must be < {len(model.layers)} (the model's layers), got {layer}")
    front = Sequential(*model.layers[: layer + 1], input_shape=model.input_shape)
    return front.scores(X)  # "scores" of the front part: the output of its last layer


@dataclass(frozen=True)
class TopPatches:
    """The k units of one channel that respond most, one per image, largest first.

    values (k,): the units' outputs; images (k,): which image; units (k, 2): the
    unit's (i, j) in the layer's map; windows (k, 2): its window's (top, left) in
    input pixels; patches (k, size, size): the image cut out at that window (0
    outside the image, as the network saw it); inside (k, size, size): True where
    the window lies inside the image.
    """

    layer: int
    channel: int
    size: int
    values: np.ndarray
    images: np.ndarray
    units: np.ndarray
    windows: np.ndarray
    patches: np.ndarray
    inside: np.ndarray


def top_patches(model, images, layer: int, channels, k: int = 8) -> list[TopPatches]:
    """For each channel of a layer, the k images whose units respond most: a list of TopPatches.

    images: (N, H, W). Each image counts once, with its strongest unit of that
    channel (the first in reading order on a tie); the k largest win, each cut out
    at its unit's receptive field. The layer's output must be maps (C, h, w).
    """
    images = as_numeric_array(images, "images", ndim=3)
    field = receptive_field(model, (1, *images.shape[1:]))[as_int(layer, "layer", 0)]
    if not field.on_grid or field.whole_image:
        raise ValueError(f"layer {layer} ({field.layer}) has no maps: pick a conv/pool/ReLU layer")
    channels = [channels] if isinstance(channels, (int, np.integer)) else list(channels)
    n_channels = field.output_shape[0]
    channels = [as_int(c, "channels", 0) for c in channels]
    if not channels or max(channels) >= n_channels:
        raise ValueError(f"channels must be 0 to {n_channels - 1} (layer {layer}), got {channels}")
    k = min(as_int(k, "k", 1), len(images))
    outputs = layer_output(model, images, layer)  # (N, C, h, w)
    width = outputs.shape[3]
    results = []
    for c in channels:
        maps = outputs[:, c].reshape(len(images), -1)  # (N, h*w)
        best_unit = maps.argmax(axis=1)  # each image's strongest position, (N,)
        best_value = maps[np.arange(len(images)), best_unit]
        winners = np.argsort(-best_value, kind="stable")[:k]  # (k,) image indices
        units = np.stack(np.divmod(best_unit[winners], width), axis=1)  # (k, 2): (i, j)
        windows = np.array([field.window(int(i), int(j)) for i, j in units])  # (k, 2)
        cut = [
            cut_window(images[n], t, lft, field.size, fill=np.nan)
            for n, (t, lft) in zip(winners, windows, strict=True)
        ]
        cut = np.stack(cut)  # (k, size, size), NaN outside the image
        results.append(
            TopPatches(
                layer=field.index,
                channel=c,
                size=field.size,
                values=best_value[winners],
                images=winners.astype(np.int64),
                units=units.astype(np.int64),
                windows=windows.astype(np.int64),
                patches=np.nan_to_num(cut, nan=0.0),
                inside=~np.isnan(cut),
            )
        )
    return results


def unit_inputs(model, image, layer: int, channel: int, unit) -> tuple:
    """What one unit of a convolution layer adds up: (inputs, weights, bias).

    image: (H, W); unit: its (i, j). inputs (C_in, k, k): the values of the layer
    below that the unit reads (0 where its kernel hangs over the padding); weights
    (C_in, k, k): its kernel for that channel. The unit's value is
    (inputs * weights).sum() + bias: each input channel adds its own part.
    """
    image = as_numeric_array(image, "image", ndim=2)
    layer = as_int(layer, "layer", 0)
    conv = model.layers[layer] if layer < len(model.layers) else None
    if not isinstance(conv, Conv2D):
        raise ValueError(f"layer must be a Conv2D layer of the model, got layer {layer} ({conv!r})")
    field = receptive_field(model, (1, *image.shape))[layer]
    channel = as_int(channel, "channel", 0)
    if channel >= field.output_shape[0]:
        raise ValueError(f"channel must be < {field.output_shape[0]}, got {channel}")
    i, j = unit
    field.window(i, j)  # checks that the unit exists
    if layer == 0:
        below = to_float(image)[None]  # (1, H, W): uint8 0-255 -> 0-1, as the network sees it
    else:
        below = layer_output(model, image[None], layer - 1)[0]  # (C_in, h, w)
    k, s, p = conv.params["w"].shape[-1], conv.stride, conv.padding
    padded = np.pad(below, ((0, 0), (p, p), (p, p)))  # the zeros the kernel sees at the border
    inputs = padded[:, i * s : i * s + k, j * s : j * s + k]  # (C_in, k, k)
    return inputs, conv.params["w"][channel], float(conv.params["b"][channel])


def pixels_that_change(model, image, layer: int, unit, channel: int = 0) -> np.ndarray:
    """Which pixels move one unit when changed alone: (H, W) bool, measured.

    Each pixel in turn is inverted (255 - value for uint8, else max - value) with
    the rest of image (H, W) untouched; True where the unit's output then differs.
    """
    image = as_numeric_array(image, "image", ndim=2)
    height, width = image.shape
    field = receptive_field(model, (1, height, width))[as_int(layer, "layer", 0)]
    i, j = unit
    field.window(i, j)  # checks the layer has units (i, j)
    channel = as_int(channel, "channel", 0)
    top = 255 if image.dtype == np.uint8 else max(float(image.max()), 1.0)
    rows, cols = np.divmod(np.arange(height * width), width)
    one_changed = np.repeat(image[None], height * width, axis=0)  # (H*W, H, W): one per pixel
    one_changed[np.arange(height * width), rows, cols] = top - image[rows, cols]
    before = layer_output(model, image[None], layer)[0, channel, i, j]
    after = layer_output(model, one_changed, layer)[:, channel, i, j]  # (H*W,)
    return (after != before).reshape(height, width)


# --- figures ------------------------------------------------------------------


def show_receptive_fields(model, image, *, row: int | None = None, col: int | None = None):
    """One panel per convolution and pooling layer: one unit's window over image; the Figure.

    image: (H, W). In each panel the unit whose window is centred nearest input pixel
    (row, col) (default: the image's centre) is outlined in orange, and the window of
    its right-hand neighbour is dashed: they are one jump apart. The image is framed
    by the zero padding (blue) that windows at the border reach into.
    """
    image = as_numeric_array(image, "image", ndim=2)
    height, width = image.shape
    row = height // 2 if row is None else as_int(row, "row", 0)
    col = width // 2 if col is None else as_int(col, "col", 0)
    fields = [f for f in receptive_field(model, (1, height, width)) if f.kernel is not None]
    if not fields:
        raise ValueError("model has no convolution or pooling layer: no windows to show")
    units = [f.unit_near(row, col) for f in fields]
    margin = 0  # how far windows reach past the border: -start, or past the last row/column
    for f in fields:
        _, h, w = f.output_shape
        beyond = (
            f.start + f.size - 1 + (np.array([h, w]) - 1) * f.jump - (np.array([height, width]) - 1)
        )
        margin = max(margin, -f.start, int(beyond.max()))
    framed = np.full((height + 2 * margin, width + 2 * margin), np.nan)  # NaN: the padding
    framed[margin : margin + height, margin : margin + width] = image
    extent = (-margin - 0.5, width + margin - 0.5, height + margin - 0.5, -margin - 0.5)
    vmax = 255 if image.dtype == np.uint8 else float(image.max()) or 1.0
    cmap = plt.get_cmap("gray").with_extremes(bad=OUTSIDE_COLOUR)
    fig, axes = plt.subplots(
        1, len(fields), figsize=(3.0 * len(fields), 3.6), squeeze=False, layout="constrained"
    )
    for ax, f, (i, j) in zip(axes[0], fields, units, strict=True):
        ax.imshow(np.ma.masked_invalid(framed), cmap=cmap, vmin=0, vmax=vmax, extent=extent)
        top, left = f.window(i, j)
        ax.add_patch(
            Rectangle((left - 0.5, top - 0.5), f.size, f.size, fill=False, lw=2.5,
                      edgecolor=WINDOW_COLOURS[0], label=f"unit ({i}, {j})")
        )  # fmt: skip
        if j + 1 < f.output_shape[2]:  # the neighbour's window, one jump to the right
            ax.add_patch(
                Rectangle((left + f.jump - 0.5, top - 0.5), f.size, f.size, fill=False, lw=1.5,
                          ls="--", edgecolor=WINDOW_COLOURS[1], label=f"unit ({i}, {j + 1})")
            )  # fmt: skip
        ax.set_title(
            f"layer {f.index}: {f.layer}\n{f.size}×{f.size} px, jump {f.jump} px", fontsize=9
        )
        ax.set_xlabel("column (pixels)")
        ax.legend(loc="lower left", fontsize=7, framealpha=0.85)
    axes[0, 0].set_ylabel("row (pixels)")
    fig.suptitle(
        f"The window of the unit centred nearest pixel ({row}, {col}) in each layer, and its "
        f"right-hand neighbour's (blue frame: zero padding)",
        fontsize=10,
    )
    return fig


def show_top_patches(results: list[TopPatches], images, labels=None):
    """One row per channel: its best image with the window outlined, then the k patches.

    results: from top_patches; images: the (N, H, W) images given to it; labels:
    (N,) classes to title the patches with (else the image index). Pixels of a
    window outside the image are drawn in blue. Returns the Figure.
    """
    images = as_numeric_array(images, "images", ndim=3)
    if not results:
        raise ValueError("results must hold at least one TopPatches (from top_patches)")
    k = max(len(r.values) for r in results)
    vmax = 255 if images.dtype == np.uint8 else float(images.max()) or 1.0
    cmap = plt.get_cmap("gray").with_extremes(bad=OUTSIDE_COLOUR)
    fig, axes = plt.subplots(
        len(results),
        k + 1,
        figsize=(1.15 * (k + 1) + 0.6, 1.3 * len(results) + 0.8),
        squeeze=False,
        layout="constrained",
    )
    for r, row_axes in zip(results, axes, strict=True):
        best = r.images[0]
        row_axes[0].imshow(images[best], cmap="gray", vmin=0, vmax=vmax)
        top, left = r.windows[0]
        row_axes[0].add_patch(
            Rectangle(
                (left - 0.5, top - 0.5),
                r.size,
                r.size,
                fill=False,
                lw=1.5,
                edgecolor=WINDOW_COLOURS[0],
            )
        )
        row_axes[0].set_ylabel(f"layer {r.layer}\nchannel {r.channel}", fontsize=9)
        row_axes[0].set_title("best digit", fontsize=8, pad=2)
        for n, ax in enumerate(row_axes[1:]):
            if n >= len(r.values):
                ax.axis("off")
                continue
            shown = np.ma.masked_array(r.patches[n], mask=~r.inside[n])
            ax.imshow(shown, cmap=cmap, vmin=0, vmax=vmax)
            name = f"class {labels[r.images[n]]}" if labels is not None else f"#{r.images[n]}"
            ax.set_title(name, fontsize=8, pad=2)
        for ax in row_axes:
            ax.set_xticks([])
            ax.set_yticks([])
    size = results[0].size
    fig.suptitle(
        f"The {k} digits that excite each channel most, cut out at the unit's {size}×{size}-pixel "
        f"window (blue: outside the image)",
        fontsize=10,
    )
    return fig


def show_unit_inputs(model, image, layer: int, channel: int, unit):
    """How one unit of a convolution layer adds up its input channels; return the Figure.

    Left: the image cut out at the unit's window. Then one column per input channel,
    largest part first: the values it gives the unit (top), the unit's weights for
    it (bottom), and its part, sum(values × weights), in the title.
    """
    inputs, weights, bias = unit_inputs(model, image, layer, channel, unit)
    parts = (inputs * weights).sum(axis=(1, 2))  # (C_in,)
    order = np.argsort(-parts, kind="stable")
    field = receptive_field(model, (1, *np.shape(image)))[layer]
    top, left = field.window(*unit)
    patch = cut_window(image, top, left, field.size, fill=np.nan)
    n = len(order)
    fig, axes = plt.subplots(
        2, n + 1, figsize=(1.05 * (n + 1) + 0.8, 3.0), squeeze=False, layout="constrained"
    )
    cmap = plt.get_cmap("gray").with_extremes(bad=OUTSIDE_COLOUR)
    vmax = 255 if np.asarray(image).dtype == np.uint8 else float(np.nanmax(patch)) or 1.0
    axes[0, 0].imshow(np.ma.masked_invalid(patch), cmap=cmap, vmin=0, vmax=vmax)
    axes[0, 0].set_title(f"its {field.size}×{field.size}\nwindow", fontsize=8)
    axes[1, 0].axis("off")
    axes[1, 0].text(
        0.5, 0.5, f"top: what layer {layer - 1}\ngives it; bottom:\nits weights (blue\n< 0 < red)",
        ha="center", va="center", fontsize=7.5,
    )  # fmt: skip
    value_limit = float(np.abs(inputs).max()) or 1.0
    weight_limit = float(np.abs(weights).max()) or 1.0
    for col, c in enumerate(order, start=1):
        axes[0, col].imshow(inputs[c], cmap="RdBu_r", vmin=-value_limit, vmax=value_limit)
        axes[0, col].set_title(f"channel {c}\n{parts[c]:+.2f}", fontsize=8)
        axes[1, col].imshow(weights[c], cmap="RdBu_r", vmin=-weight_limit, vmax=weight_limit)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    terms = f"{parts[order[0]]:.2f}" + "".join(
        f" {'+' if parts[c] >= 0 else '−'} {abs(parts[c]):.2f}" for c in order[1:]
    )
    sign = "+" if bias >= 0 else "−"
    fig.suptitle(
        f"Layer {layer}, channel {channel}, unit {tuple(int(v) for v in unit)} adds up its "
        f"{n} input channels: {terms} {sign} bias {abs(bias):.2f} = {parts.sum() + bias:.2f}",
        fontsize=9,
    )
    return fig
