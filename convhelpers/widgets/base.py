"""What every course widget shares: its ES module, read from the files beside this one.

Each widget is a Python class (state in synced traits) next to a ``.js`` file that
draws it in the browser. The page only draws and reports input; Python computes
only when an input changes (an image, a kernel, a model).

    class Thing(anywidget.AnyWidget):
        _esm = esm("thing.js")          # draw.js's helpers, then thing.js
        image = Bytes().tag(sync=True)  # arrives in JS as a DataView

Used by every widget in this folder.
"""

from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["HERE", "esm", "lut_bytes", "u8_bytes", "f32_bytes", "f64_bytes"]

HERE = Path(__file__).resolve().parent


def esm(*names: str) -> str:
    """The ES module of a widget: draw.js (shared helpers) followed by the named files."""
    parts = [(HERE / name).read_text(encoding="utf-8") for name in ("draw.js", *names)]
    return "\n".join(parts)


def u8_bytes(grid) -> bytes:
    """An array of 0-255 values (any shape) as raw uint8 bytes, C order."""
    grid = np.asarray(grid)
    return np.ascontiguousarray(np.clip(np.round(grid), 0, 255), dtype=np.uint8).tobytes()


def f32_bytes(values) -> bytes:
    """An array (any shape) as raw little-endian float32 bytes, C order (JS: Float32Array)."""
    return np.ascontiguousarray(values, dtype="<f4").tobytes()


def f64_bytes(values) -> bytes:
    """An array (any shape) as raw little-endian float64 bytes, C order (JS: draw.js's f64).

    For numbers the page shows as results (a sum that must equal conv2d's to the last digit).
    """
    return np.ascontiguousarray(values, dtype="<f8").tobytes()


@lru_cache(maxsize=16)
def lut_bytes(cmap: str) -> bytes:
    """A matplotlib colour map as 256 RGB triples, 768 bytes (JS: draw.js's paint)."""
    import matplotlib

    colours = matplotlib.colormaps[cmap](np.linspace(0, 1, 256))[:, :3]  # (256, 3)
    return np.round(colours * 255).astype(np.uint8).tobytes()
