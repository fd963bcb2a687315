"""Fast pictures for live widgets: numpy grid -> colours -> PNG bytes or an HTML table.

A slider callback has a few milliseconds. Drawing a matplotlib figure takes tens
of milliseconds, so widgets colour the grid themselves (a lookup table), enlarge
it with np.repeat and encode a PNG with zlib, which takes about a millisecond.
"""

import html
import struct
import zlib
from functools import lru_cache

import numpy as np

from ._validate import as_int, as_numeric_array

__all__ = ["colorize", "html_grid", "outline", "png_bytes", "upscale"]


@lru_cache(maxsize=16)
def _lut(cmap: str) -> np.ndarray:
    """The colour map as a (256, 3) uint8 lookup table."""
    import matplotlib

    colours = matplotlib.colormaps[cmap](np.linspace(0, 1, 256))[:, :3]  # (256, 3) floats
    lut = np.round(colours * 255).astype(np.uint8)
    lut.setflags(write=False)
    return lut


def colorize(grid, vmin: float, vmax: float, cmap: str = "gray") -> np.ndarray:
    """Map values to colours: grid (H, W) -> uint8 RGB (H, W, 3).

    vmin gets the colour map's first colour and vmax its last; values outside
    are clipped. cmap is any matplotlib colour map name.
    """
    grid = as_numeric_array(grid, "grid", ndim=2)
    if not vmax > vmin:
        raise ValueError(f"vmax must be greater than vmin, got vmin={vmin}, vmax={vmax}")
    idx = np.clip((grid - vmin) * (255 / (vmax - vmin)), 0, 255).astype(np.uint8)  # (H, W)
    return _lut(cmap)[idx]  # (H, W, 3)


def upscale(rgb: np.ndarray, scale: int) -> np.ndarray:
    """Enlarge an image by repeating each pixel: (H, W, 3) -> (H*scale, W*scale, 3)."""
    scale = as_int(scale, "scale", 1)
    return np.repeat(np.repeat(rgb, scale, axis=0), scale, axis=1)


def outline(rgb: np.ndarray, top: int, left: int, height: int, width: int, color, thickness=2):
    """Draw a rectangle's border into rgb (H, W, 3) in place, clipped to the image.

    top/left/height/width are in rgb's pixels; color is an (r, g, b) of 0-255.
    """
    h, w = rgb.shape[:2]

    def band(start, stop, size):  # start:stop clipped to 0..size (never a negative index)
        return slice(min(max(start, 0), size), min(max(stop, 0), size))

    bottom, right = top + height, left + width
    rows, cols = band(top, bottom, h), band(left, right, w)
    for r0 in (top, bottom - thickness):  # top and bottom edges
        rgb[band(r0, r0 + thickness, h), cols] = color
    for c0 in (left, right - thickness):  # left and right edges
        rgb[rows, band(c0, c0 + thickness, w)] = color
    return rgb


def png_bytes(rgb: np.ndarray, compression: int = 1) -> bytes:
    """Encode uint8 RGB (H, W, 3) as a PNG file's bytes (for ipywidgets.Image)."""
    rgb = np.asarray(rgb)
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"rgb must be uint8 with shape (H, W, 3), got {rgb.dtype} {rgb.shape}")
    h, w, _ = rgb.shape
    rows = np.zeros((h, 1 + 3 * w), dtype=np.uint8)  # each row starts with filter type 0
    rows[:, 1:] = rgb.reshape(h, 3 * w)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8 bits per channel, RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), compression))
        + chunk(b"IEND", b"")
    )


def html_grid(
    values,
    *,
    fmt: str = "{:.0f}",
    vmin: float | None = None,
    vmax: float | None = None,
    cmap: str = "gray",
    highlight: tuple[int, int] | None = None,
    cell_px: int = 30,
    caption: str | None = None,
) -> str:
    """An HTML table of values (H, W), each cell coloured by its value with the number on it.

    Text is dark on light cells and light on dark ones. ``highlight=(row, col)``
    outlines one cell. Used for kernels, patches and products in the widgets.
    """
    values = as_numeric_array(values, "values", ndim=2)
    vmin = float(values.min()) if vmin is None else vmin
    vmax = float(values.max()) if vmax is None else vmax
    if vmax <= vmin:
        vmax = vmin + 1.0
    rgb = colorize(values, vmin, vmax, cmap)  # (H, W, 3)
    light = rgb @ np.array([0.299, 0.587, 0.114]) > 140  # (H, W): is the cell light?
    cells_style = f"width:{cell_px}px;height:{cell_px}px;text-align:center;padding:0;"
    font = f"font:{max(8, cell_px // 3)}px monospace;"
    parts = ['<table style="border-collapse:collapse;">']
    if caption:
        parts.append(f'<caption style="caption-side:top;">{html.escape(caption)}</caption>')
    for i, row in enumerate(values):
        parts.append("<tr>")
        for j, v in enumerate(row):
            r, g, b = rgb[i, j]
            border = "3px solid #e66100" if highlight == (i, j) else "1px solid #bbb"
            text = "#000" if light[i, j] else "#fff"
            parts.append(
                f'<td style="{cells_style}{font}background:rgb({r},{g},{b});color:{text};'
                f'border:{border};">{fmt.format(v)}</td>'
            )
        parts.append("</tr>")
    parts.append("</table>")
    return "".join(parts)
