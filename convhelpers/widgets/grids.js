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
