// photo_window.js: notebook 01's photo window (windows.py's PhotoWindow), drawn in the page.
// The photo at half size with an orange square, the window enlarged, and its red, green
// and blue numbers as three tables. esm() puts draw.js and grids.js in front of this file.

function render({ model, el }) {
  const [H, W] = model.get("shape");
  const size = model.get("size");
  const zoom = model.get("zoom");
  const photo = u8(model.get("photo"));
  const lut = u8(model.get("lut"));
  widgetRoot(el, "photo-window");

  // The photo at half size: every other pixel of every other row (photo[::2, ::2]).
  const [h2, w2] = [Math.ceil(H / 2), Math.ceil(W / 2)];
  const half = new Uint8Array(h2 * w2 * 3);
  for (let r = 0; r < h2; r++) {
    for (let c = 0; c < w2; c++) half.set(photo.subarray(((2 * r) * W + 2 * c) * 3,
      ((2 * r) * W + 2 * c) * 3 + 3), (r * w2 + c) * 3);
  }
  const picture = canvas(w2, h2, 1, "the photo at half size, the window outlined in orange");
  paintRGB(picture, half, w2, h2);
  const { stack, over } = stacked(picture, 1);
  const zoomed = canvas(size, size, zoom, "the window, enlarged");
  const names = ["red", "green", "blue"];
  const tables = names.map(() => valueTable());
  const where = h("div", { class: "ch-note" });
  const patch = new Uint8Array(size * size * 3);
  const channel = new Uint8Array(size * size);

  const draw = () => {
    const r = Number(row.input.value);
    const c = Number(col.input.value);
    clear(over);
    // in photo pixels (0.5 screen pixel each), 6 outside the window: visible at half size
    box(over, 0.5, r - 6, c - 6, size + 12, size + 12, "#E66100", 2);
    for (let i = 0; i < size; i++) {
      const start = ((r + i) * W + c) * 3;
      patch.set(photo.subarray(start, start + size * 3), i * size * 3);
    }
    paintRGB(zoomed, patch, size, size);
    names.forEach((name, k) => {
      for (let i = 0; i < size * size; i++) channel[i] = patch[3 * i + k];
      tables[k].show(channel, size, size, lut, 0, 255, `${name}: [..., ${k}]`);
    });
    where.textContent = `The window: photo[${r}:${r + size}, ${c}:${c + size}], ` +
      `shape (${size}, ${size}, 3)`;
  };

  const row = slider(model, "row", "window row", { min: 0, max: H - size, onInput: draw });
  const col = slider(model, "col", "window column", { min: 0, max: W - size, onInput: draw });
  el.append(
    h("div", { class: "ch-row" }, row, col),
    h("div", { class: "ch-row" },
      titled(`photo (${H}, ${W}, 3) at half size, window in orange`, stack),
      titled("the window, enlarged", zoomed)),
    where,
    h("div", { class: "ch-row" }, ...tables),
    colourBar(lut, "each channel's value"),
  );
  draw();
}

export default { render };
