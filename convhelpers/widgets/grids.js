// grids.js: pieces shared by the widgets of notebooks 01-03, 05 and 06 (digit_window.js,
// photo_window.js, brightness_contrast.js, shuffle_explorer.js, shift_explorer.js,
// feature_maps.js, shift_predictions.js). base.py's esm() puts it after draw.js, so
// draw.js's helpers are in scope here.

// The widget's root element: named for browser tests (data-ch-widget) and styled.
function widgetRoot(el, name) {
  el.setAttribute("data-ch-widget", name);
  styled(el);
  el.append(h("style", {}, GRIDS_STYLE));
  return el;
}

const GRIDS_STYLE = `
.ch-widget .ch-toggle { font: inherit; padding: 2px 10px; border: 1px solid #888; cursor: pointer;
  background: var(--jp-layout-color1, #fff); color: var(--jp-ui-font-color1, #222); }
.ch-widget .ch-toggle[aria-pressed="true"] { background: #0072B2; border-color: #0072B2; color: #fff; }
.ch-widget .ch-table caption { font-size: 12px; padding-bottom: 2px; }
`;

// A block with a bold title above its content.
function titled(title, ...children) {
  const heading = h("div", { style: { fontWeight: "bold", margin: "4px 0" } }, title);
  return h("div", { class: "ch-titled" }, heading, ...children);
}

// A canvas with a transparent overlay of screen resolution on top (for outlines).
function stacked(base, scale) {
  const over = overlay(base, scale);
  return { stack: h("div", { class: "ch-stack" }, base, over), over };
}

// Wipe a canvas (an overlay) to transparent.
function clear(c) {
  c.getContext("2d").clearRect(0, 0, c.width, c.height);
}

// Colour of a value through a 768-byte colour table, as paint() picks it.
function lutIndex(v, vmin, vmax) {
  return Math.max(0, Math.min(255, Math.floor((v - vmin) * (255 / (vmax - vmin || 1))))) * 3;
}

// Paint RGB triples (length 3*w*h, row by row) into canvas c.
function paintRGB(c, rgb, w, h_) {
  if (c.width !== w || c.height !== h_) { c.width = w; c.height = h_; }
  const ctx = c.getContext("2d");
  const img = ctx.createImageData(w, h_);
  for (let i = 0; i < w * h_; i++) {
    img.data[4 * i] = rgb[3 * i];
    img.data[4 * i + 1] = rgb[3 * i + 1];
    img.data[4 * i + 2] = rgb[3 * i + 2];
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

// A horizontal colour bar: the table's colours from vmin to vmax, with a label.
function colourBar(lut, vmin, vmax, label) {
  const bar = canvas(256, 1, 1, `colour bar: ${label}, ${vmin} to ${vmax}`);
  Object.assign(bar.style, { width: "140px", height: "12px", border: "1px solid #888" });
  paint(bar, Array.from({ length: 256 }, (_, i) => i), 256, 1, lut, 0, 255);
  const text = (s) => h("span", {}, s);
  return h("div", { class: "ch-note", style: { display: "flex", gap: "6px", alignItems: "center" } },
    text(`${label}: ${vmin}`), bar, text(`${vmax}`));
}

// A table of rows x cols numbers, each cell coloured by its value (as render.html_grid):
// dark text on light cells, light text on dark ones. table.show(values, lut, vmin, vmax,
// caption) refills it in place.
function valueTable(rows, cols, cellPx = 30) {
  const caption = h("caption", { style: { captionSide: "top" } });
  const cells = [];
  const trs = [];
  for (let i = 0; i < rows; i++) {
    const tr = h("tr");
    for (let j = 0; j < cols; j++) {
      const td = h("td", { style: {
        width: `${cellPx}px`, height: `${cellPx}px`, textAlign: "center", padding: "0",
        font: `${Math.max(8, Math.floor(cellPx / 3))}px monospace`, border: "1px solid #bbb",
      } });
      cells.push(td);
      tr.append(td);
    }
    trs.push(tr);
  }
  const table = h("table", { class: "ch-table", style: { borderCollapse: "collapse" } },
    caption, ...trs);
  table.show = (values, lut, vmin, vmax, text) => {
    caption.textContent = text;
    for (let k = 0; k < cells.length; k++) {
      const i = lutIndex(values[k], vmin, vmax);
      const [r, g, b] = [lut[i], lut[i + 1], lut[i + 2]];
      cells[k].style.background = `rgb(${r},${g},${b})`;
      cells[k].style.color = 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "#000" : "#fff";
      cells[k].textContent = String(Math.round(values[k]));
    }
  };
  return table;
}

// The w x h picture src moved dy rows down and dx columns right, zero fill (images.shift).
function shifted(src, w, h_, dy, dx) {
  const out = new Uint8Array(w * h_);
  for (let r = Math.max(0, dy); r < Math.min(h_, h_ + dy); r++) {
    for (let c = Math.max(0, dx); c < Math.min(w, w + dx); c++) {
      out[r * w + c] = src[(r - dy) * w + c - dx];
    }
  }
  return out;
}

// Image k of a stack of n images of `size` values each.
function nth(values, k, size) {
  return values.subarray(k * size, (k + 1) * size);
}

// Index of the largest value (the first one on ties, as numpy's argmax).
function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

// A group of toggle buttons bound to a string trait; one is pressed at a time.
// model.set fires change:trait in the page at once, so a click redraws without waiting.
function toggles(model, trait, options, label, onInput) {
  const buttons = options.map((option) => h("button", { type: "button", class: "ch-toggle" }, option));
  const show = () => {
    const value = model.get(trait);
    buttons.forEach((b, i) => b.setAttribute("aria-pressed", String(options[i] === value)));
    onInput(value);
  };
  buttons.forEach((b, i) => b.addEventListener("click", () => {
    model.set(trait, options[i]);
    model.save_changes();
  }));
  model.on(`change:${trait}`, show);
  buttons.forEach((b, i) => b.setAttribute("aria-pressed", String(options[i] === model.get(trait))));
  return h("span", { role: "group", "aria-label": label, class: "ch-control" }, ...buttons);
}
