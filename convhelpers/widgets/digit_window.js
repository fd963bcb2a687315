// digit_window.js: notebook 01's digit window (windows.py's DigitWindow), drawn in the page.
// A digit with an orange window on it, and the window's numbers as a table. Every slider
// step is drawn here from the images sent once; the kernel is never asked.
// esm() puts draw.js and grids.js in front of this file.

function render({ model, el }) {
  const [n, H, W] = model.get("shape");
  const size = model.get("size");
  const scale = model.get("scale");
  const images = u8(model.get("images"));
  const lut = u8(model.get("lut"));
  const labels = model.get("labels");
  const total = model.get("total");
  widgetRoot(el, "digit-window");

  const picture = canvas(W, H, scale, "the digit, its window outlined in orange");
  const { stack, over } = stacked(picture, scale);
  const table = valueTable();
  const info = h("div", { class: "ch-note" });
  const patch = new Uint8Array(size * size);

  const draw = () => {
    const k = Number(digit.input.value);
    const r = Number(row.input.value);
    const c = Number(col.input.value);
    const image = nth(images, k, H * W);
    paint(picture, image, W, H, lut);
    clear(over);
    box(over, scale, r, c, size, size, "#E66100", Math.max(2, Math.floor(scale / 3)));
    for (let i = 0; i < size; i++) {
      patch.set(image.subarray((r + i) * W + c, (r + i) * W + c + size), i * size);
    }
    table.show(patch, size, size, lut, 0, 255, `image[${r}:${r + size}, ${c}:${c + size}]`);
    let lo = 255, hi = 0, largest = 0;
    for (const v of image) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    for (const v of patch) largest = Math.max(largest, v);
    const label = labels.length ? `, label ${labels[k]}` : "";
    info.textContent = `digit #${k}${label}: ${H}×${W} pixels, values ${lo}–${hi}. ` +
      `Window: rows ${r}–${r + size - 1}, columns ${c}–${c + size - 1}; ` +
      `its largest value is ${largest}.`;
  };

  const digit = slider(model, "digit", "digit #", { min: 0, max: n - 1, onInput: draw });
  const row = slider(model, "row", "window row", { min: 0, max: H - size, onInput: draw });
  const col = slider(model, "col", "window column", { min: 0, max: W - size, onInput: draw });
  const first = total > n ? h("span", { class: "ch-note" }, `(the first ${n} of ${total.toLocaleString("en-US")})`) : "";
  el.append(
    h("div", { class: "ch-row" }, digit, first, row, col),
    h("div", { class: "ch-row" }, titled("the digit (window in orange)", stack), table),
    colourBar(lut, "pixel value"),
    info,
  );
  draw();
}

export default { render };
