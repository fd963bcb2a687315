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

// float64 bytes -> Float64Array (copied). For values the page shows as exact numbers.
function f64(dv) {
  const bytes = u8(dv);
  return new Float64Array(bytes.slice().buffer);
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

// Where value v's colour starts in a 768-byte colour table (the index of its red byte):
// vmin gets the table's first colour, vmax its last (values outside are clipped).
function lutIndex(v, vmin, vmax) {
  return Math.max(0, Math.min(255, Math.floor((v - vmin) * (255 / (vmax - vmin || 1))))) * 3;
}

// Paint values (length w*h) into canvas c through a 768-byte colour table (see lutIndex).
// special(i, value), if given, may return an [r, g, b] for cell i instead (e.g. NaN cells).
function paint(c, values, w, h_, lut, vmin = 0, vmax = 255, special = null) {
  if (c.width !== w || c.height !== h_) { c.width = w; c.height = h_; }
  const ctx = c.getContext("2d");
  const img = ctx.createImageData(w, h_);
  for (let i = 0; i < w * h_; i++) {
    const own = special && special(i, values[i]);
    const idx = lutIndex(values[i], vmin, vmax);
    img.data[4 * i] = own ? own[0] : lut[idx];
    img.data[4 * i + 1] = own ? own[1] : lut[idx + 1];
    img.data[4 * i + 2] = own ? own[2] : lut[idx + 2];
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

// Wipe a canvas (an overlay) to transparent.
function clear(c) {
  c.getContext("2d").clearRect(0, 0, c.width, c.height);
}

// Text for numbers: '-0' never shows; significant(v, 4) keeps 4 significant digits.
function cleanZero(text) {
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
function significant(v, digits) {
  return cleanZero(String(Number(v.toPrecision(digits))));
}

// How the cells of a value table write values: whole numbers whole when all of them are,
// else 2 decimals (1 from 10 up, none from 100 up).
function cellFormat(values) {
  let whole = true, largest = 0;
  for (const v of values) {
    if (Math.abs(v - Math.round(v)) > 1e-8 + 1e-5 * Math.abs(v)) whole = false;
    largest = Math.max(largest, Math.abs(v));
  }
  const digits = whole ? 0 : largest < 10 ? 2 : largest < 100 ? 1 : 0;
  return (v) => cleanZero(v.toFixed(digits));
}

// A table of numbers under a caption, each cell coloured by its value through a 768-byte
// colour table (as render.html_grid): dark text on light cells, light text on dark ones.
// table.show(values, rows, cols, lut, vmin, vmax, text = caption) refills it in place (new
// cells when rows x cols changes); values run row by row. cell: [width, height], screen px.
function valueTable(caption = "", { cell = [30, 30] } = {}) {
  const title = h("caption", {}, caption);
  const table = h("table", { class: "ch-table" }, title);
  let cells = [];
  table.show = (values, rows, cols, lut, vmin, vmax, text = caption) => {
    title.textContent = text;
    if (cells.length !== rows * cols || table.rows.length !== rows) {
      const style = { width: `${cell[0]}px`, height: `${cell[1]}px` };
      cells = Array.from({ length: rows * cols }, () => h("td", { style }));
      const trs = Array.from({ length: rows }, (_, i) =>
        h("tr", {}, ...cells.slice(i * cols, (i + 1) * cols)));
      table.replaceChildren(title, ...trs);
    }
    const fmt = cellFormat(values);
    for (let k = 0; k < cells.length; k++) {
      const i = lutIndex(values[k], vmin, vmax);
      const [r, g, b] = [lut[i], lut[i + 1], lut[i + 2]];
      cells[k].style.background = `rgb(${r},${g},${b})`;
      cells[k].style.color = 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "#000" : "#fff";
      cells[k].textContent = fmt(values[k]);
    }
  };
  return table;
}

// A colour bar: the table's colours from lo (left) to hi (right) under its label, the two
// ends and the middle written below. bar.set(lo, hi, ...notes) writes new ends and puts
// notes (nodes, e.g. colour swatches) under it.
function colourBar(lut, label, lo = 0, hi = 255) {
  const strip = canvas(256, 1, 1, `colour bar: ${label}`);
  Object.assign(strip.style, { width: "200px", height: "10px" });
  paint(strip, Array.from({ length: 256 }, (_, i) => i), 256, 1, lut, 0, 255);
  const ends = [h("span"), h("span"), h("span")];
  const notes = h("div");
  const bar = h("div", { class: "ch-colourbar" }, h("div", {}, label), strip,
    h("div", { class: "ch-ends" }, ...ends), notes);
  bar.set = (low, high, ...extra) => {
    strip.setAttribute("aria-label", `colour bar: ${label}, ${low} to ${high}`);
    [low, (low + high) / 2, high].forEach((v, i) => { ends[i].textContent = significant(v, 4); });
    notes.replaceChildren(...extra);
  };
  bar.set(lo, hi);
  return bar;
}

// A rectangle outline drawn over canvas c, in grid cells (thin: one screen pixel is
// 1/scale cell, so draw on a transparent overlay canvas of screen resolution).
// margin: screen pixels the overlay reaches beyond the picture on each side, so that an
// outline just outside an edge cell stays whole (give the picture's box that margin too).
function overlay(base, scale, margin = 0) {
  const o = h("canvas", { class: "ch-overlay", "aria-hidden": "true" });
  o.width = base.width * scale + 2 * margin;
  o.height = base.height * scale + 2 * margin;
  o.margin = margin;
  Object.assign(o.style, {
    position: "absolute", left: `${-margin}px`, top: `${-margin}px`, pointerEvents: "none",
  });
  return o;
}

// Outline cells top..top+height-1, left..left+width-1. Drawn inside them unless outside is
// true (then just around them); dash, e.g. [4, 3], draws a dashed line.
function box(o, scale, top, left, height, width, colour = "#E66100", thickness = 2,
  { outside = false, dash = null } = {}) {
  const ctx = o.getContext("2d");
  const m = o.margin || 0, grow = outside ? thickness : 0;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = thickness;
  if (dash) ctx.setLineDash(dash);
  ctx.strokeRect(m + left * scale + thickness / 2 - grow, m + top * scale + thickness / 2 - grow,
    width * scale - thickness + 2 * grow, height * scale - thickness + 2 * grow);
  ctx.restore();
}

// A range input with a label and a readout, bound to nothing: onInput(value) runs on every
// step (drag, arrows, Home/End, PageUp/PageDown). row.set(v) shows v without calling onInput;
// row.setRange(lo, hi) changes its ends. keydown does not reach JupyterLab (its command mode
// would swallow the arrows).
function rangeInput(label, { min = 0, max = 10, step = 1, value = min, onInput = null } = {}) {
  const input = h("input", { type: "range", min, max, step, "aria-label": label, class: "ch-slider" });
  input.value = value;
  const readout = h("span", { class: "ch-readout" }, String(input.value));
  input.addEventListener("keydown", (e) => {
    e.stopPropagation();
    const lo = Number(input.min), hi = Number(input.max);
    const page = Math.max(Number(input.step) || 1, Math.round((hi - lo) / 10));
    let v = Number(input.value);
    if (e.key === "PageUp") v += page;
    else if (e.key === "PageDown") v -= page;
    else return; // arrows, Home, End: the browser's own handling of a range input
    e.preventDefault();
    input.value = Math.max(lo, Math.min(hi, v));
    input.dispatchEvent(new Event("input"));
  });
  input.addEventListener("input", () => {
    readout.textContent = String(input.value);
    if (onInput) onInput(Number(input.value));
  });
  const row = h("label", { class: "ch-control" }, h("span", { class: "ch-label" }, label), input, readout);
  row.input = input;
  row.set = (v) => { input.value = v; readout.textContent = String(input.value); };
  row.setRange = (lo, hi) => { input.min = lo; input.max = hi; readout.textContent = String(input.value); };
  return row;
}

// A range slider bound to an Int trait. Arrow keys, PageUp/PageDown, Home/End step it;
// keydown does not reach JupyterLab (its command mode would swallow the arrows).
// onInput(value) runs on every step, in the page: redraw there. The trait is set too,
// so Python sees the value (it need not answer for the picture to move).
function slider(model, trait, label, { min = 0, max = 10, step = 1, onInput = null } = {}) {
  const row = rangeInput(label, {
    min, max, step, value: model.get(trait),
    onInput: (v) => {
      if (onInput) onInput(v);
      model.set(trait, v);
      model.save_changes();
    },
  });
  model.on(`change:${trait}`, () => {
    const v = model.get(trait);
    if (Number(row.input.value) !== v) {
      row.set(v);
      if (onInput) onInput(v);
    }
  });
  return row;
}

// A layer menu and a channel slider bound to the Int traits "layer" and "channel"
// (feature maps, receptive fields). layers: [{index, channels, ...}], one per menu entry;
// label(entry) is its text. Choosing a layer with fewer channels moves the slider to that
// layer's last channel; draw() redraws. picker.entry() is the chosen layer's entry.
function layerPicker(model, layers, label, draw) {
  const entryOf = (index) => layers.find((e) => e.index === index);
  const menu = h("select", { "aria-label": "layer", style: { // readable in dark themes too
    color: "var(--jp-ui-font-color1, #222)", background: "var(--jp-layout-color1, #fff)" } },
    ...layers.map((e) => h("option", { value: e.index }, label(e))));
  menu.value = model.get("layer");
  const channel = slider(model, "channel", "channel",
    { min: 0, max: entryOf(model.get("layer")).channels - 1, onInput: draw });
  const choose = (index) => {
    const e = entryOf(index);
    channel.setRange(0, e.channels - 1);
    channel.set(Math.min(Number(channel.input.value), e.channels - 1));
    draw();
  };
  menu.addEventListener("change", () => {
    choose(Number(menu.value));
    model.set("layer", Number(menu.value));
    model.set("channel", Number(channel.input.value));
    model.save_changes();
  });
  model.on("change:layer", () => {
    if (Number(menu.value) !== model.get("layer")) {
      menu.value = model.get("layer");
      choose(model.get("layer"));
    }
  });
  const control = h("label", { class: "ch-control" }, h("span", { class: "ch-label" }, "layer"), menu);
  return { menu, channel, control, entry: () => entryOf(Number(menu.value)) };
}

// For changes only Python can compute (a typed kernel, another image): call ask() after
// each save_changes() that Python answers by adding 1 to the Int trait `counter`. If the
// answers lag behind the questions for `wait` ms, `note` shows `text` (the kernel is busy,
// or there is none: a static page); it hides again when the answers catch up.
function askPython(model, note, text, { counter = "answered", wait = 1500 } = {}) {
  let asked = 0, base = 0, timer = null;
  note.hidden = true;
  const behind = () => model.get(counter) - base < asked;
  model.on(`change:${counter}`, () => {
    if (behind()) return;
    asked = 0;
    clearTimeout(timer);
    note.hidden = true;
  });
  return function ask() {
    if (asked === 0) base = model.get(counter);
    asked += 1;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!behind()) return;
      note.textContent = text;
      note.hidden = false;
    }, wait);
  };
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
.ch-widget .ch-table { border-collapse: collapse; }
.ch-widget .ch-table caption { text-align: left; padding-bottom: 2px; }
.ch-widget .ch-table td { padding: 0; text-align: center; border: 1px solid #888;
  font: 12px var(--jp-code-font-family, monospace); }
.ch-widget .ch-colourbar { font-size: 11px; margin-top: 4px; }
.ch-widget .ch-colourbar canvas { border: 1px solid #888; }
.ch-widget .ch-ends { width: 202px; display: flex; justify-content: space-between; }
.ch-widget select, .ch-widget textarea, .ch-widget button { font: inherit;
  background: var(--jp-layout-color1, #fff); color: var(--jp-ui-font-color1, #222);
  border: 1px solid var(--jp-border-color1, #888); }
`;

function styled(el) {
  el.classList.add("ch-widget");
  if (!el.querySelector("style.ch-style")) el.append(h("style", { class: "ch-style" }, CH_STYLE));
  // Keys typed into any control stay in the widget (JupyterLab's shortcuts ignore them).
  el.addEventListener("keydown", (e) => e.stopPropagation());
}
