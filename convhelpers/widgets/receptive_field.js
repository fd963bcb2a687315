// receptive_field.js: notebook 07's receptive-field explorer (receptive_field.py), drawn in the page.
// Left: the digit inside a frame of zero padding (blue), the chosen unit's window (orange) and,
// dashed, the windows of the first and the last unit of the layer below that it reads. Right:
// the chosen layer's map for one channel, the unit outlined. Windows and maps were sent once;
// every step is drawn here, the kernel is never asked. esm() puts draw.js in front of this file.

const ORANGE = "#E66100";
const DASHED = "#0072B2";
const PADDING = [86, 180, 233]; // Okabe-Ito sky blue: cells outside the image

function render({ model, el }) {
  const [n, H, W] = model.get("shape");
  const images = u8(model.get("images"));
  const maps = f32(model.get("maps"));
  const layers = model.get("layers");
  const limits = f32(model.get("limits")); // (layers, n)
  const labels = model.get("labels");
  const gray = u8(model.get("gray"));
  const signed = u8(model.get("signed"));
  const m = model.get("margin");
  styled(el);
  el.dataset.chWidget = "receptive-field";
  const below = (e) => { // the windows of the layer this one reads (a ReLU changes none)
    const k = layers.indexOf(e);
    if (k > 0) return { ...layers[k - 1], what: `the layer below (windows as in layer ${layers[k - 1].index})` };
    return { size: 1, jump: 1, start: 0, what: "the image (single pixels)" };
  };

  // The digit with m cells of padding on each side, so windows past the border show.
  const SCALE = Math.max(4, Math.floor(260 / (H + 2 * m)));
  const digitCanvas = canvas(W + 2 * m, H + 2 * m, SCALE, "the digit with the chosen unit's window");
  const digitOverlay = overlay(digitCanvas, SCALE, 4);
  const digitStack = h("div", { class: "ch-stack", style: { margin: "4px", cursor: "crosshair" } },
    digitCanvas, digitOverlay);
  const mapCanvas = canvas(1, 1, 1, "the chosen layer's map for the chosen channel");
  let mapOverlay = overlay(mapCanvas, 1, 4);
  const mapStack = h("div", { class: "ch-stack", style: { margin: "4px", cursor: "crosshair" } },
    mapCanvas, mapOverlay);
  // data-ch attributes: what is shown, for tests (data-unit "i,j", data-window "top,left,size").
  const info = h("div", { "data-ch": "window", style: { maxWidth: "640px" } });
  const rule = h("div", { "data-ch": "rule", class: "ch-note", style: { maxWidth: "640px" } });
  const value = h("div", { "data-ch": "value", class: "ch-note" });
  const padded = new Float32Array((H + 2 * m) * (W + 2 * m));
  let shown = { digit: null, layer: null };

  const unitNear = (e, x, count) => { // the same rule as ReceptiveField.unit_near
    const centre = e.start + (e.size - 1) / 2;
    return Math.min(count - 1, Math.max(0, Math.floor((x - centre) / e.jump + 0.5)));
  };
  const mapOf = (e, k, c) => {
    const size = e.height * e.width;
    const start = e.offset + (k * e.channels + c) * size;
    return maps.subarray(start, start + size);
  };

  const paintDigit = (k) => {
    const base = k * H * W;
    padded.fill(-1); // -1: a padding cell
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < W; c++) padded[(r + m) * (W + 2 * m) + c + m] = images[base + r * W + c];
    }
    paint(digitCanvas, padded, W + 2 * m, H + 2 * m, gray, 0, 255,
      (i, v) => (v < 0 ? PADDING : null));
  };

  const resizeMap = (e) => {
    const scale = Math.max(1, Math.floor(196 / e.height));
    mapCanvas.width = e.width;
    mapCanvas.height = e.height;
    mapCanvas.style.width = `${e.width * scale}px`;
    mapCanvas.style.height = `${e.height * scale}px`;
    const fresh = overlay(mapCanvas, scale, 4);
    mapOverlay.replaceWith(fresh);
    mapOverlay = fresh;
    mapOverlay.scale = scale;
  };

  const draw = () => {
    const k = digit ? Number(digit.input.value) : 0;
    const e = picker.entry();
    const c = Number(channel.input.value);
    const row = Number(rowSlider.input.value), col = Number(colSlider.input.value);
    if (shown.digit !== k) paintDigit(k);
    if (shown.layer !== e) resizeMap(e);
    shown = { digit: k, layer: e };
    const i = unitNear(e, row, e.height), j = unitNear(e, col, e.width);
    const top = e.start + i * e.jump, left = e.start + j * e.jump;
    const b = below(e);
    const reach = (e.kernel - 1) * b.jump; // from the first to the last unit read below
    const ctx = digitOverlay.getContext("2d");
    ctx.clearRect(0, 0, digitOverlay.width, digitOverlay.height);
    box(digitOverlay, SCALE, m + top, m + left, b.size, b.size, DASHED, 2, { dash: [5, 3] });
    box(digitOverlay, SCALE, m + top + reach, m + left + reach, b.size, b.size, DASHED, 2,
      { dash: [5, 3] });
    box(digitOverlay, SCALE, m + top, m + left, e.size, e.size, ORANGE, 3, { outside: true });
    box(digitOverlay, SCALE, m + row, m + col, 1, 1, "#CC79A7", 2); // the pixel pointed at
    const limit = limits[layers.indexOf(e) * n + k];
    const chosen = mapOf(e, k, c);
    paint(mapCanvas, chosen, e.width, e.height, signed, -limit, limit);
    const mctx = mapOverlay.getContext("2d");
    mctx.clearRect(0, 0, mapOverlay.width, mapOverlay.height);
    box(mapOverlay, mapOverlay.scale, i, j, 1, 1, ORANGE, 3, { outside: true });
    const bottom = top + e.size - 1, right = left + e.size - 1;
    const outside = top < 0 || left < 0 || bottom > H - 1 || right > W - 1;
    info.dataset.unit = `${i},${j}`;
    info.dataset.window = `${top},${left},${e.size}`;
    value.dataset.value = String(chosen[i * e.width + j]);
    info.replaceChildren(
      `layer ${e.index}: `, h("code", {}, e.name), ` — unit (${i}, ${j}) of its ${e.height}×${e.width}`,
      ` sees input rows ${top} to ${bottom}, columns ${left} to ${right}: `,
      h("b", {}, `${e.size}×${e.size} pixels`),
      outside ? " (the blue part is zero padding outside the image)" : "");
    rule.textContent = `It reads ${e.kernel}×${e.kernel} units of ${b.what}, whose windows ` +
      `(${b.size}×${b.size}, dashed: the first and the last) are ${b.jump} px apart: ` +
      `${e.size} = ${b.size} + (${e.kernel} − 1) × ${b.jump}. Neighbouring units of this ` +
      `layer are ${e.jump} px apart (jump ${b.jump} × stride ${e.stride}).`;
    const label = labels.length ? `, a ${labels[k]}` : "";
    value.textContent = `its value in channel ${c}: ${chosen[i * e.width + j].toFixed(2)} ` +
      `(digit ${k}${label}; map colours from −${limit.toFixed(2)}, blue, to +${limit.toFixed(2)}, red)`;
  };

  const digit = n > 1 ? slider(model, "digit", "digit", { min: 0, max: n - 1, onInput: draw }) : null;
  const picker = layerPicker(model, layers,
    (e) => `${e.index}: ${e.name} → ${e.size}×${e.size} px`, draw);
  const rowSlider = slider(model, "row", "row", { min: 0, max: H - 1, onInput: draw });
  const colSlider = slider(model, "col", "column", { min: 0, max: W - 1, onInput: draw });
  const channel = picker.channel;
  const point = (r, c) => { // set row and column as a student's slider steps would
    rowSlider.set(Math.max(0, Math.min(H - 1, r)));
    colSlider.set(Math.max(0, Math.min(W - 1, c)));
    draw();
    model.set("row", Number(rowSlider.input.value));
    model.set("col", Number(colSlider.input.value));
    model.save_changes();
  };
  digitCanvas.addEventListener("click", (ev) => { // a click on the digit points at that pixel
    const rect = digitCanvas.getBoundingClientRect();
    point(Math.floor((ev.clientY - rect.top) / SCALE) - m, Math.floor((ev.clientX - rect.left) / SCALE) - m);
  });
  mapCanvas.addEventListener("click", (ev) => { // a click on the map points at a unit's centre
    const e = picker.entry();
    const rect = mapCanvas.getBoundingClientRect();
    const i = Math.floor((ev.clientY - rect.top) / mapOverlay.scale);
    const j = Math.floor((ev.clientX - rect.left) / mapOverlay.scale);
    const centre = (u) => Math.round(e.start + u * e.jump + (e.size - 1) / 2);
    point(centre(i), centre(j));
  });
  const titled = (text, node) => h("div", {}, h("div", { style: { fontWeight: "bold", marginBottom: "4px" } }, text), node);
  el.append(
    h("div", { class: "ch-row" }, ...(digit ? [digit] : []),
      picker.control),
    h("div", { class: "ch-row" }, rowSlider, colSlider, channel),
    info,
    rule,
    h("div", { class: "ch-row", style: { gap: "24px" } },
      titled("the input: the pixel pointed at (pink), the unit's window (orange)", digitStack),
      titled("the layer's map, one channel: the unit (orange)", mapStack)),
    value,
  );
  draw();
}

export default { render };
