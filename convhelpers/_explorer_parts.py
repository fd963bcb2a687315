"""The KernelExplorer's small pieces: HTML snippets (sum, colour bar, legend) and picture framing.

Kept apart from explorer.py so that the widget's file reads as controls -> state -> drawing.
"""

import html

import ipywidgets as widgets
import numpy as np

from .conv import output_size
from .render import colorize, upscale

__all__ = [
    "MARGIN",
    "colorbar_html",
    "fmt_for",
    "framed",
    "size_formula",
    "sum_html",
    "swatch",
    "wrapping_row",
]

MARGIN = 4  # white pixels around each picture, so outlines at its edge stay whole


def fmt_for(values: np.ndarray) -> str:
    """A format string short enough for a grid cell: integers stay integers."""
    if np.allclose(values, np.round(values)):
        return "{:.0f}"
    largest = float(np.abs(values).max())
    return "{:.2f}" if largest < 10 else "{:.1f}" if largest < 100 else "{:.0f}"


def _num(v: float) -> str:
    """A number for the written-out sum: 4 significant digits, negatives in brackets."""
    text = f"{v:.4g}"
    return f"({text})" if v < 0 else text


def sum_html(patch, kernel, total, cell, theirs=None) -> str:
    """The dot product written out: 'p×k + p×k + ... = total' for the current cell."""
    terms = " + ".join(f"{_num(p)}×{_num(k)}" for p, k in zip(patch.flat, kernel.flat, strict=True))
    value = f"{total:.6g}"
    parts = [
        f"<b>feature map{list(cell)}</b> = Σ patch ⊙ kernel = ",
        f'<span style="font-family:monospace">{terms}</span> = ',
        f'<b><span class="ke-sum-value" data-value="{float(total)!r}">{value}</span></b>',
    ]
    if theirs is not None and not np.isfinite(theirs):
        parts.append("<br>❌ your conv_fn gave no value for this cell")
    elif theirs is not None and not np.isclose(theirs, total, atol=1e-6):
        parts.append(f"<br>❌ your conv_fn gave <b>{theirs:.6g}</b> here")
    return '<div style="line-height:1.6">' + "".join(parts) + "</div>"


def colorbar_html(vmin: float, vmax: float, cmap: str, label: str) -> str:
    """A horizontal colour bar as a CSS gradient, with its end values and a label."""
    colours = colorize(np.linspace(0, 1, 9)[None, :], 0, 1, cmap)[0]  # (9, 3) along the map
    stops = ", ".join(f"rgb({r},{g},{b})" for r, g, b in colours)
    bar = f"height:10px;width:200px;background:linear-gradient(to right, {stops});"
    bar += "border:1px solid #888"
    return (
        f'<div style="font-size:11px">{html.escape(label)}'
        f'<div style="{bar}"></div>'
        f'<div style="width:202px;display:flex;justify-content:space-between">'
        f"<span>{vmin:.4g}</span><span>{(vmin + vmax) / 2:.4g}</span><span>{vmax:.4g}</span>"
        f"</div></div>"
    )


def size_formula(n: int, k: int, padding: int, stride: int, axis: str) -> str:
    """'rows: (28 + 2·1 − 3) // 1 + 1 = 28' using convhelpers.output_size."""
    size = output_size(n, k, stride=stride, padding=padding)
    return f"{axis}: ({n} + 2·{padding} − {k}) // {stride} + 1 = <b>{size}</b>"


def swatch(rgb, text: str) -> str:
    r, g, b = (int(c) for c in rgb)
    box = f"display:inline-block;width:10px;height:10px;background:rgb({r},{g},{b});"
    return f'<span style="{box}border:1px solid #888"></span> {text}'


def framed(rgb: np.ndarray, scale: int = 1) -> np.ndarray:
    """(H, W, 3) -> (H*scale + 2*MARGIN, W*scale + 2*MARGIN, 3): upscaled, with a white margin."""
    rgb = upscale(rgb, scale) if scale > 1 else rgb
    return np.pad(rgb, ((MARGIN, MARGIN), (MARGIN, MARGIN), (0, 0)), constant_values=255)


def wrapping_row(children, gap="12px", align="center") -> widgets.HBox:
    """A wrapping row of widgets with gap between them (ipywidgets' Layout has no gap)."""
    for child in children:
        child.layout.margin = f"2px {gap} 2px 0"
    return widgets.HBox(children, layout=widgets.Layout(flex_flow="row wrap", align_items=align))
