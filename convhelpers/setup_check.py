"""Is everything working? Versions and a live slider, used by 00_start_here."""

import platform
import sys
from importlib import metadata

import ipywidgets as widgets

__all__ = ["environment_report", "slider_check"]

_PACKAGES = ["numpy", "scipy", "matplotlib", "ipywidgets", "jupyterlab", "jupyterlab_widgets"]


def environment_report() -> bool:
    """Print Python's and the course packages' versions; return True if all are usable."""
    ok = sys.version_info >= (3, 10)
    print(f"Python {platform.python_version()}" + ("" if ok else "  ❌ the course needs 3.10+"))
    for name in _PACKAGES:
        try:
            print(f"{name:<20} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            print(f"{name:<20} ❌ not installed — run `make lab` from the course folder")
            ok = False
    if ok:
        major = {n: metadata.version(n).split(".")[0] for n in ("ipywidgets", "jupyterlab_widgets")}
        if (major["ipywidgets"], major["jupyterlab_widgets"]) != ("8", "3"):
            print("❌ ipywidgets and jupyterlab_widgets are not a matching pair (8.x with 3.x)")
            ok = False
    print("✅ everything the course needs is installed" if ok else "❌ see the lines above")
    return ok


def slider_check() -> widgets.VBox:
    """A slider and a line of text that follows it: if the text changes, widgets work.

    Returns the VBox; its ``.children`` are (slider, label).
    """
    slider = widgets.IntSlider(value=3, min=0, max=10, description="drag me")
    label = widgets.Label()

    def update(change=None):
        v = slider.value
        label.value = f"The slider is at {v}; {v} × {v} = {v * v}. Widgets work ✅"

    slider.observe(update, names="value")
    update()
    return widgets.VBox([slider, label])
