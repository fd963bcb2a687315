"""Look inside a trained CNN: its kernels, its feature maps, its mistakes (notebook 05).

    show_kernels(model)                         # first-layer kernels as little images
    feature_maps_widget(model, X_test[:10])     # every layer's output, a slider over channels
    show_mistakes(X_test, y_test, predicted)    # the digits it got wrong
    show_confusion(y_test, predicted)           # which class is taken for which

The model is a :class:`convhelpers.Sequential` (``.layers``, ``.activations``).
"""

import html

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from ._validate import as_int, as_numeric_array
from .losses import softmax
from .plotting import show_gallery
from .render import colorize, outline, png_bytes, upscale

__all__ = [
    "confusion_matrix",
    "feature_maps_widget",
    "first_conv_weights",
    "most_confused_pairs",
    "show_confusion",
    "show_kernels",
    "show_mistakes",
]

SIGNED_CMAP = "RdBu_r"  # blue < 0, white = 0, red > 0 (colour-blind safe)
HIGHLIGHT = (230, 97, 0)  # orange outline of the selected channel


def first_conv_weights(model) -> np.ndarray:
    """The weights of the model's first convolution layer: (F, C, kh, kw)."""
    for layer in getattr(model, "layers", []):
        w = getattr(layer, "params", {}).get("w")
        if w is not None and w.ndim == 4:
            return w
    raise ValueError(f"model must contain a convolution layer (4-D weights 'w'), got {model!r:.80}")


def show_kernels(model_or_weights, *, channel: int = 0, ncols: int = 8, values: bool = True):
    """Each kernel of the first convolution layer as a small image; return the Figure.

    model_or_weights: a model with ``.layers`` or the weights (F, C, kh, kw);
    for C > 1 input channels, ``channel`` picks which slice to show. All kernels
    share one colour scale centred on 0 (blue negative, red positive) and, with
    ``values=True``, every weight is written on its cell.
    """
    if hasattr(model_or_weights, "layers"):
        w = first_conv_weights(model_or_weights)
    else:
        w = as_numeric_array(model_or_weights, "model_or_weights", ndim=4)
    channel = as_int(channel, "channel", 0)
    if channel >= w.shape[1]:
        raise ValueError(f"channel must be < {w.shape[1]} (the kernels' input channels)")
    kernels = w[:, channel]  # (F, kh, kw)
    n, kh, kw = kernels.shape
    limit = float(np.abs(kernels).max()) or 1.0
    fig = show_gallery(
        kernels,
        [f"kernel {k}" for k in range(n)],
        ncols=as_int(ncols, "ncols", 1),
        size=1.3,
        cmap=SIGNED_CMAP,
        vmin=-limit,
        vmax=limit,
    )
    if values and kh * kw <= 25:
        for ax, kernel in zip(fig.axes[:n], kernels, strict=True):  # the first n axes, in order
            for (r, c), v in np.ndenumerate(kernel):
                dark = abs(v) > 0.6 * limit  # white text on strong colours
                color = "white" if dark else "black"
                ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=6.5, color=color)
    fig.suptitle(f"{n} first-layer kernels, {kh}×{kw} weights each (input channel {channel})")
    shown = fig.axes[0].images[0]
    fig.colorbar(shown, ax=fig.axes, fraction=0.025, pad=0.02, label="weight (0 = white)")
    return fig


# --- the feature-maps widget -------------------------------------------------


def _channel_strip(maps: np.ndarray, selected: int, limit: float, ncols: int = 8) -> np.ndarray:
    """All channels (C, h, w) side by side as RGB thumbnails, the selected one outlined."""
    c, h, w = maps.shape
    scale = max(1, 56 // h)  # thumbnails about 56 pixels wide
    gap, size = 4, (h * scale, w * scale)
    ncols = min(ncols, c)
    nrows = -(-c // ncols)
    strip = np.full(
        (nrows * (size[0] + gap) + gap, ncols * (size[1] + gap) + gap, 3), 255, np.uint8
    )
    for k in range(c):
        top = gap + (k // ncols) * (size[0] + gap)
        left = gap + (k % ncols) * (size[1] + gap)
        strip[top : top + size[0], left : left + size[1]] = upscale(
            colorize(maps[k], -limit, limit, SIGNED_CMAP), scale
        )
        if k == selected:
            outline(strip, top - 2, left - 2, size[0] + 4, size[1] + 4, HIGHLIGHT, thickness=2)
    return strip


def _colour_key(limit: float) -> str:
    """A small HTML legend for the signed colour map: -limit ... 0 ... +limit."""
    bar = colorize(np.linspace(-1, 1, 64)[None], -1, 1, SIGNED_CMAP)[0]  # (64, 3)
    stops = ",".join(f"rgb({r},{g},{b})" for r, g, b in bar[::8].tolist() + [bar[-1].tolist()])
    return (
        f'<div style="display:flex;align-items:center;gap:6px;font-size:12px;">'
        f"<span>{-limit:.2f}</span>"
        f'<span style="width:160px;height:12px;background:linear-gradient(to right,{stops});'
        f'border:1px solid #999;"></span><span>+{limit:.2f}</span>'
        f"<span>(white = 0)</span></div>"
    )


def _probabilities_html(scores: np.ndarray, label) -> str:
    """The model's class probabilities for one digit as an HTML bar chart."""
    p = softmax(scores[None])[0]  # (10,)
    guess = int(p.argmax())
    verdict = "" if label is None else (" ✅" if guess == int(label) else f" ❌ (true: {label})")
    rows = [f"<b>prediction: {guess}</b> (probability {p[guess]:.3f}){verdict}"]
    for k, pk in enumerate(p):
        colour = "#0072B2" if k == guess else "#999"
        rows.append(
            f'<div style="font:12px monospace;">{k} <span style="display:inline-block;'
            f'width:{int(120 * pk)}px;height:10px;background:{colour};"></span> {pk:.3f}</div>'
        )
    return "".join(rows)


def feature_maps_widget(model, images, labels=None):
    """Explore the feature maps of one digit through every layer; return the widget (a VBox).

    images: one digit (H, W) or several (N, H, W); labels: (N,) or None.
    Controls: a digit slider (when N > 1), a layer menu (every layer whose
    output is a stack of maps (C, h, w)) and a channel slider. Shown: the
    input, the chosen channel enlarged, all channels of the layer with the
    chosen one outlined, and the network's class probabilities. Colours share
    one scale per layer, centred on 0 (white), so channels can be compared.

    Everything is built once; a slider step re-colours the pictures
    (``ipywidgets.Image`` fed by :func:`convhelpers.png_bytes`). For tests the
    VBox has ``.controls`` (dict: "digit", "layer", "channel"), ``.views``
    (dict: "input", "map", "channels", "info", "probabilities") and
    ``.shown_maps`` (the array (h, w) on display) attributes.
    """
    import ipywidgets as widgets

    images = as_numeric_array(images, "images")
    if images.ndim == 2:
        images = images[None]
    if images.ndim != 3:
        raise ValueError(f"images must be (H, W) or (N, H, W), got shape {images.shape}")
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (len(images),):
            raise ValueError(f"labels must have shape ({len(images)},), got {labels.shape}")
    first = model.activations(images[:1])
    stacks = [i for i, a in enumerate(first) if a.ndim == 4]  # layers with (C, h, w) outputs
    if not stacks:
        raise ValueError("model has no layer whose output is a stack of feature maps")

    digit = widgets.IntSlider(0, min=0, max=len(images) - 1, description="digit")
    digit.layout.display = None if len(images) > 1 else "none"
    options = [(f"{i}: {model.layers[i]!r} → {first[i].shape[1:]}", i) for i in stacks]
    layer = widgets.Dropdown(options=options, value=stacks[0], description="layer")
    layer.layout.width = "420px"
    channel = widgets.IntSlider(0, min=0, max=first[stacks[0]].shape[1] - 1, description="channel")
    input_image = widgets.Image(format="png", width=196, height=196)
    big_map = widgets.Image(format="png", width=196, height=196)
    strip = widgets.Image(format="png")
    info, key, probabilities = widgets.HTML(), widgets.HTML(), widgets.HTML()
    state = {"index": None, "outputs": None, "busy": False}

    def caption(text: str, picture) -> widgets.VBox:
        return widgets.VBox([widgets.HTML(f"<b>{html.escape(text)}</b>"), picture])

    def update(change=None):
        if state["busy"]:  # changing channel.max below may fire this observer again
            return
        state["busy"] = True
        try:
            draw()
        finally:
            state["busy"] = False

    def draw():
        if state["index"] != digit.value:  # a new digit: one forward pass
            state["index"] = digit.value
            state["outputs"] = model.activations(images[digit.value : digit.value + 1])
            img = images[digit.value]
            vmax = 255 if img.dtype == np.uint8 else max(float(img.max()), 1e-6)
            h = img.shape[0]
            input_image.value = png_bytes(upscale(colorize(img, 0, vmax, "gray"), 196 // h))
            label = None if labels is None else labels[digit.value]
            probabilities.value = _probabilities_html(state["outputs"][-1][0], label)
        maps = state["outputs"][layer.value][0]  # (C, h, w)
        channel.max = maps.shape[0] - 1  # also clamps channel.value
        limit = float(np.abs(maps).max()) or 1.0
        chosen = maps[channel.value]
        box.shown_maps = chosen
        big_map.value = png_bytes(
            upscale(colorize(chosen, -limit, limit, SIGNED_CMAP), max(1, 196 // chosen.shape[0]))
        )
        thumbnails = _channel_strip(maps, channel.value, limit)  # (h, w, 3)
        strip.value = png_bytes(thumbnails)
        strip.height, strip.width = (str(n) for n in thumbnails.shape[:2])  # never stretched
        info.value = (
            f"layer {layer.value}: <code>{html.escape(repr(model.layers[layer.value]))}</code>, "
            f"output {maps.shape[0]} channels of {maps.shape[1]}×{maps.shape[2]}; "
            f"channel {channel.value}: values from {chosen.min():.2f} to {chosen.max():.2f}"
        )
        key.value = _colour_key(limit)

    controls = widgets.HBox([digit, layer, channel])
    pictures = widgets.HBox(
        [caption("input digit", input_image), caption("chosen channel", big_map), probabilities]
    )
    pictures.layout.align_items = "flex-start"
    pictures.layout.grid_gap = "16px"
    box = widgets.VBox(
        [
            controls,
            info,
            key,
            pictures,
            caption("all channels of this layer (chosen: orange)", strip),
        ]
    )
    box.controls = {"digit": digit, "layer": layer, "channel": channel}
    box.views = {
        "input": input_image,
        "map": big_map,
        "channels": strip,
        "info": info,
        "probabilities": probabilities,
    }
    for control in box.controls.values():
        control.observe(update, names="value")
    update()
    return box


# --- mistakes and confusion --------------------------------------------------


def _labels(y, name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise TypeError(
            f"{name} must be a 1-D array of integer class labels, got {y.dtype} {y.shape}"
        )
    return y


def confusion_matrix(y_true, y_pred, num_classes: int = 10) -> np.ndarray:
    """Counts (num_classes, num_classes): entry [t, p] = how many of class t were predicted p.

    y_true, y_pred: (N,) integer labels in 0..num_classes-1. Rows sum to the
    class sizes; the diagonal holds the correct answers.
    """
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must match, got {y_true.shape} and {y_pred.shape}")
    num_classes = as_int(num_classes, "num_classes", 1)
    both = np.concatenate([y_true, y_pred])
    if both.min() < 0 or both.max() >= num_classes:
        raise ValueError(f"labels must be in 0..{num_classes - 1}")
    counts = np.bincount(y_true * num_classes + y_pred, minlength=num_classes**2)
    return counts.reshape(num_classes, num_classes)


def most_confused_pairs(cm, k: int = 3) -> list[tuple[int, int, int]]:
    """The k largest off-diagonal entries of a confusion matrix (C, C), largest first.

    Returns [(true class, predicted class, count), ...]; ties in reading order.
    """
    cm = as_numeric_array(cm, "cm", ndim=2)
    if cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be square, got shape {cm.shape}")
    off = cm.astype(np.int64)
    off[np.diag_indices_from(off)] = -1  # never pick the correct answers
    order = np.argsort(-off, axis=None, kind="stable")[: as_int(k, "k", 1)]
    rows, cols = np.unravel_index(order, cm.shape)
    return [(int(t), int(p), int(off[t, p])) for t, p in zip(rows, cols, strict=True)]


def show_confusion(y_true, y_pred, ax=None, *, num_classes: int = 10, title: str | None = None):
    """The confusion matrix with every count written in its cell; return the Axes.

    Rows are the true classes, columns the predicted ones. Colours use a log
    scale so that a few mistakes stand out next to hundreds of right answers;
    empty cells stay white.
    """
    cm = confusion_matrix(y_true, y_pred, num_classes)
    ax = plt.gca() if ax is None else ax
    shown = ax.imshow(
        np.ma.masked_equal(cm, 0), cmap="viridis", norm=LogNorm(vmin=1, vmax=max(cm.max(), 2))
    )
    correct = np.trace(cm)
    heading = title or "Confusion matrix"
    ax.set_title(f"{heading}\n{correct:,} of {cm.sum():,} right; off-diagonal cells are mistakes")
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_xticks(range(num_classes))
    ax.set_yticks(range(num_classes))
    ax.figure.colorbar(shown, ax=ax, fraction=0.046, pad=0.04, label="count (log scale)")
    cmap, norm = shown.get_cmap(), shown.norm
    for (t, p), n in np.ndenumerate(cm):
        if n == 0:
            continue
        r, g, b, _ = cmap(norm(n))
        light = 0.299 * r + 0.587 * g + 0.114 * b > 0.5
        ax.text(
            p, t, str(n), ha="center", va="center", fontsize=8, color="black" if light else "white"
        )
    return ax


def show_mistakes(images, y_true, y_pred, *, max_images: int = 20, ncols: int = 10):
    """A gallery of the misclassified images, each titled 'true → predicted'; return the Figure.

    images: (N, H, W); y_true, y_pred: (N,). Shows the first ``max_images`` mistakes.
    """
    images = as_numeric_array(images, "images", ndim=3)
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if not len(images) == len(y_true) == len(y_pred):
        raise ValueError(
            f"images, y_true and y_pred must have the same length, got "
            f"{len(images)}, {len(y_true)} and {len(y_pred)}"
        )
    wrong = np.flatnonzero(y_true != y_pred)
    if len(wrong) == 0:
        fig, ax = plt.subplots(figsize=(4, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, f"no mistakes on these {len(images)} images", ha="center")
        return fig
    shown = wrong[: as_int(max_images, "max_images", 1)]
    titles = [f"{t} → {p}" for t, p in zip(y_true[shown], y_pred[shown], strict=True)]
    title = f"{len(wrong)} mistakes out of {len(images):,}, titled true → predicted"
    return show_gallery(images[shown], titles, ncols=min(ncols, len(shown)), title=title)
