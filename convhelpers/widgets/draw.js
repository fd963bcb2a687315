// draw.js: drawing and control helpers shared by every course widget.
// base.py's esm() puts this file in front of each widget's own module, so these
// functions are plain top-level functions there (no imports, no build step).

// A bytes trait arrives as a DataView: view it as bytes without copying.
function u8(dv) {
  if (!dv) return new Uint8Array(0);
  if (dv instanceof Uint8Array) return dv;
  return new Uint8Array(dv.buffer, dv.byteOffset, dv.byteLength);
}

// float32 bytes -> Float32Array (copied, so the offset need not be aligned).
function f32(dv) {
  const bytes = u8(dv);
  return new Float32Array(bytes.slice().buffer);
}

// An element with attributes and children: h("div", {class: "x"}, "text", child).
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "style" && typeof v === "object") Object.assign(node.style, v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

// A canvas of w x h grid cells shown `scale` screen pixels each, pixels kept square.
function canvas(w, h_, scale, label) {
  const c = h("canvas", { role: "img", "aria-label": label, class: "ch-canvas" });
  c.width = w;
  c.height = h_;
  c.style.width = `${w * scale}px`;
  c.style.height = `${h_ * scale}px`;
  c.style.imageRendering = "pixelated";
  return c;
}

// Paint values (length w*h) into canvas c through a 768-byte colour table.
// vmin gets the table's first colour, vmax its last (values outside are clipped).
function paint(c, values, w, h_, lut, vmin = 0, vmax = 255) {
  if (c.width !== w || c.height !== h_) { c.width = w; c.height = h_; }
  const ctx = c.getContext("2d");
  const img = ctx.createImageData(w, h_);
  const k = 255 / (vmax - vmin || 1);
  for (let i = 0; i < w * h_; i++) {
    const idx = Math.max(0, Math.min(255, Math.floor((values[i] - vmin) * k))) * 3;
    img.data[4 * i] = lut[idx];
    img.data[4 * i + 1] = lut[idx + 1];
    img.data[4 * i + 2] = lut[idx + 2];
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

// A rectangle outline drawn over canvas c, in grid cells (thin: one screen pixel is
// 1/scale cell, so draw on a transparent overlay canvas of screen resolution).
function overlay(base, scale) {
  const o = h("canvas", { class: "ch-overlay", "aria-hidden": "true" });
  o.width = base.width * scale;
  o.height = base.height * scale;
  Object.assign(o.style, { position: "absolute", left: "0", top: "0", pointerEvents: "none" });
  return o;
}

function box(o, scale, top, left, height, width, colour = "#E66100", thickness = 2) {
  const ctx = o.getContext("2d");
  ctx.strokeStyle = colour;
  ctx.lineWidth = thickness;
  ctx.strokeRect(left * scale + thickness / 2, top * scale + thickness / 2,
    width * scale - thickness, height * scale - thickness);
}

// A range slider bound to an Int trait. Arrow keys, PageUp/PageDown, Home/End step it;
// keydown does not reach JupyterLab (its command mode would swallow the arrows).
// onInput(value) runs on every step, in the page: redraw there. The trait is set too,
// so Python sees the value (it need not answer for the picture to move).
function slider(model, trait, label, { min = 0, max = 10, step = 1, onInput = null } = {}) {
  const input = h("input", { type: "range", min, max, step, "aria-label": label, class: "ch-slider" });
  input.value = model.get(trait);
  const readout = h("span", { class: "ch-readout" }, String(input.value));
  const page = Math.max(step, Math.round((max - min) / 10));
  input.addEventListener("keydown", (e) => {
    e.stopPropagation();
    let v = Number(input.value);
    const lo = Number(input.min), hi = Number(input.max);
    if (e.key === "PageUp") v += page;
    else if (e.key === "PageDown") v -= page;
    else return; // arrows, Home, End: the browser's own handling of a range input
    e.preventDefault();
    input.value = Math.max(lo, Math.min(hi, v));
    input.dispatchEvent(new Event("input"));
  });
  input.addEventListener("input", () => {
    const v = Number(input.value);
    readout.textContent = String(v);
    if (onInput) onInput(v);
    model.set(trait, v);
    model.save_changes();
  });
  model.on(`change:${trait}`, () => {
    const v = model.get(trait);
    if (Number(input.value) !== v) {
      input.value = v;
      readout.textContent = String(v);
      if (onInput) onInput(v);
    }
  });
  const row = h("label", { class: "ch-control" }, h("span", { class: "ch-label" }, label), input, readout);
  row.input = input;
  row.setRange = (lo, hi) => { input.min = lo; input.max = hi; };
  return row;
}

// Styles shared by all widgets: readable in light and dark JupyterLab themes, visible focus.
const CH_STYLE = `
.ch-widget { font: 13px var(--jp-ui-font-family, sans-serif); color: var(--jp-ui-font-color1, #222); }
.ch-widget .ch-control { display: inline-flex; align-items: center; gap: 6px; margin: 2px 12px 2px 0; }
.ch-widget .ch-label { min-width: 4em; }
.ch-widget .ch-readout { min-width: 2.5em; font-variant-numeric: tabular-nums; }
.ch-widget input:focus-visible, .ch-widget button:focus-visible, .ch-widget select:focus-visible {
  outline: 2px solid #E66100; outline-offset: 2px; }
.ch-widget .ch-row { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.ch-widget .ch-stack { position: relative; display: inline-block; line-height: 0; }
.ch-widget .ch-note { color: var(--jp-ui-font-color2, #555); font-size: 12px; }
`;

function styled(el) {
  el.classList.add("ch-widget");
  if (!el.querySelector("style.ch-style")) el.append(h("style", { class: "ch-style" }, CH_STYLE));
  // Keys typed into any control stay in the widget (JupyterLab's shortcuts ignore them).
  el.addEventListener("keydown", (e) => e.stopPropagation());
}
