"""An anywidget's ES module in a bare Chromium page, with no Jupyter and no kernel.

The page gets a stand-in model made from ``widget.get_state()`` (bytes traits arrive as
DataView, as in Jupyter). What the page saves stays in ``window.sent`` until
:func:`deliver` hands it to the Python widget, the way a kernel would, and sends
Python's answer back, so a test chooses when (and whether) "the kernel" answers.

    with browser_page(chromium) as page:
        show(page, widget, tmp_path)
        page.locator("input[aria-label=step]").press("ArrowRight")
        deliver(page, widget)

A page-test module takes the fixture ``page`` of tests/conftest.py: one tab per module
(``widget_tab``), checked for JavaScript errors after each test.
"""

import base64
import contextlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "browser"))
import lab  # noqa: E402  (tests/browser/lab.py: Debian Chromium through Playwright)

__all__ = ["browser_page", "deliver", "missing", "show"]

PAGE = """<!doctype html><html><head><meta charset="utf-8"></head>
<body style="margin: 8px"><div id="out"></div><script type="module">
const decode = (v) => (v && v.$bytes !== undefined)
  ? new DataView(Uint8Array.from(atob(v.$bytes), (c) => c.charCodeAt(0)).buffer) : v;
const state = Object.fromEntries(Object.entries(%(state)s).map(([k, v]) => [k, decode(v)]));
const listeners = {};
const fire = (k) => (listeners["change:" + k] || []).forEach((f) => f());
let unsaved = {};
window.sent = [];
const model = {
  get: (k) => state[k],
  set: (k, v) => { const old = state[k]; state[k] = v; unsaved[k] = v; if (old !== v) fire(k); },
  save_changes: () => { window.sent.push(unsaved); unsaved = {}; },
  on: (event, f) => (listeners[event] ||= []).push(f),
  off: () => {},
  send: () => {},
};
window.fromPython = (changes) => {  // trait values as Python would send them
  for (const [k, v] of Object.entries(changes)) state[k] = decode(v);
  for (const k of Object.keys(changes)) fire(k);
};
const url = URL.createObjectURL(new Blob([%(esm)s], { type: "text/javascript" }));
(await import(url)).default.render({ model, el: document.getElementById("out") });
window.rendered = true;
</script></body></html>"""


def missing() -> str | None:
    """None when Chromium and Playwright are here, else why the page tests skip."""
    return lab.browser_missing()


def _wire(value):
    if isinstance(value, (bytes, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    return value


def _state(widget) -> dict:
    return {k: v for k, v in widget.get_state().items() if not k.startswith("_")}


@contextlib.contextmanager
def browser_page(browser, width: int = 1100, height: int = 900):
    """A tab of browser (the session Chromium of tests/conftest.py); errors go to page.errors."""
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        yield page
    finally:
        context.close()


def show(page, widget, folder: Path) -> None:
    """Render widget in page from its current state (written to folder/widget.html)."""
    state = {k: _wire(v) for k, v in _state(widget).items()}
    html = PAGE % {"state": json.dumps(state), "esm": json.dumps(str(widget._esm))}
    path = Path(folder) / "widget.html"
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_function("window.rendered === true", timeout=10_000)


def deliver(page, widget) -> list[dict]:
    """Hand what the page saved to Python (set_state, as the kernel does), then send back the
    traits Python changed, and those it left other than the page had set them (as ipywidgets
    does: a value refused and set back goes back to the page). Returns the page's messages."""
    messages = page.evaluate("window.sent.splice(0)")
    before = _state(widget)
    for message in messages:
        widget.set_state(message)
    after = _state(widget)
    asked = {k: v for message in messages for k, v in message.items()}
    answer = {k: _wire(v) for k, v in after.items() if before.get(k) != v or asked.get(k, v) != v}
    if answer:
        page.evaluate("(changes) => window.fromPython(changes)", answer)
    return messages
