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

  const picture = canvas(W, H, 0.5, "the photo at half size, the window outlined in orange");
  paintRGB(picture, photo, W, H);
  const { stack, over } = stacked(picture, 0.5);
  const zoomed = canvas(size, size, zoom, "the window, enlarged");
  const names = ["red", "green", "blue"];
  const tables = names.map(() => valueTable(size, size));
  const where = h("div", { class: "ch-note" });
  const patch = new Uint8Array(size * size * 3);
  const channel = new Uint8Array(size * size);

  const draw = () => {
    const r = Number(row.input.value);
    const c = Number(col.input.value);
    clear(over);
    // drawn 6 pixels outside the window, so the square stays visible at half size
    box(over, 0.5, r - 6, c - 6, size + 12, size + 12, "#E66100", 2);
    for (let i = 0; i < size; i++) {
      const start = ((r + i) * W + c) * 3;
      patch.set(photo.subarray(start, start + size * 3), i * size * 3);
    }
    paintRGB(zoomed, patch, size, size);
    names.forEach((name, k) => {
      for (let i = 0; i < size * size; i++) channel[i] = patch[3 * i + k];
      tables[k].show(channel, lut, 0, 255, `${name}: [..., ${k}]`);
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
    colourBar(lut, 0, 255, "each channel's value"),
  );
  draw();
}

export default { render };
