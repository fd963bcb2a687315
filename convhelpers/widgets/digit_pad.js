// digit_pad.js: the page side of DigitPad (digit_pad.py), notebooks 05-06 (and 01).
// Draw with a mouse, a finger or a pen; on every pointer-up the drawing goes to Python
// (its ink on a grid FINER times the pad's pixels, and the strokes), which answers with
// the grid the models read and their probabilities. Drawing never waits for the kernel.
// draw.js's helpers (h, u8, f32, canvas, paint, askPython, styled) come before this file.

const PAD_PX = 336; // the pad's side on screen, about
const GRID_PX = 224; // the models' grid beside it, about
const BRUSH = 2.0; // brush radius in pad pixels: a 1 drawn 3/4 of the pad tall gets MNIST's ~3 px
const NO_KERNEL_MS = 1500; // no answer by then: say that predictions need a kernel
// blue and orange: colour-blind safe; the blue is the theme's own (lighter in the dark theme)
const COLOURS = { bar: "var(--jp-brand-color1, #0072B2)", top: "#E66100" };

const DP_STYLE = `
.dp-pad { touch-action: none; cursor: crosshair; background: #000; display: block;
  border: 1px solid var(--jp-border-color1, #888); }
.dp-pad:focus-visible { outline: 2px solid #E66100; outline-offset: 2px; }
.dp-column { display: flex; flex-direction: column; gap: 6px; align-items: flex-start; }
.dp-caption { font-weight: bold; }
.dp-stale { opacity: 0.4; }
.dp-model { margin-bottom: 10px; }
.dp-top { display: inline-block; font-size: 28px; font-weight: bold; min-width: 1em;
  color: ${COLOURS.top}; }
.dp-bars { display: flex; gap: 3px; align-items: flex-end; height: 90px; }
.dp-bar { width: 18px; display: flex; flex-direction: column; align-items: center; }
.dp-well { height: 72px; width: 100%; display: flex; align-items: flex-end;
  background: var(--jp-layout-color2, #eee); }
.dp-fill { width: 100%; background: ${COLOURS.bar}; }
.dp-bar.dp-best .dp-fill { background: ${COLOURS.top}; }
.dp-bar.dp-best .dp-digit { font-weight: bold; }
`;

// One model's results: its name, the top class, ten bars (probability of each digit).
function modelRow(name) {
  const top = h("span", { class: "dp-top", "data-predicted": "", "data-model": name }, "–");
  const share = h("span", { class: "ch-note" }, "");
  const bars = h("div", { class: "dp-bars", role: "img", "aria-label": `${name}: no digit yet` });
  const fills = [];
  for (let d = 0; d < 10; d++) {
    const fill = h("div", { class: "dp-fill", style: { height: "0%" } });
    fills.push(fill);
    bars.append(h("div", { class: "dp-bar" }, h("div", { class: "dp-well" }, fill),
      h("span", { class: "dp-digit" }, String(d))));
  }
  const row = h("div", { class: "dp-model" },
    h("div", {}, h("span", { class: "dp-caption" }, `${name}: `), top, " ", share), bars);
  row.show = (probs) => { // probs: 10 numbers, or null when the pad is empty
    const best = probs ? probs.indexOf(Math.max(...probs)) : -1;
    top.textContent = probs ? String(best) : "–";
    top.dataset.predicted = probs ? String(best) : "";
    share.textContent = probs ? `(probability ${probs[best].toFixed(2)})` : "draw a digit";
    fills.forEach((fill, d) => {
      fill.style.height = `${probs ? 100 * probs[d] : 0}%`;
      fill.parentElement.parentElement.classList.toggle("dp-best", d === best);
    });
    bars.setAttribute("aria-label", probs
      ? `${name} reads ${best}; ` + probs.map((p, d) => `${d}: ${Math.round(100 * p)}%`).join(", ")
      : `${name}: no digit yet`);
  };
  return row;
}

function render({ model, el }) {
  const size = model.get("size"), grid = model.get("grid");
  const k = Math.max(1, Math.round(PAD_PX / grid)); // screen pixels per ink-grid cell
  const side = grid * k; // the pad's side in screen pixels (= canvas pixels)
  const radius = BRUSH * side / size;
  const names = model.get("names");
  const shown = model.get("image").shape[0]; // 28, or size
  const lut = u8(model.get("lut"));

  const pad = h("canvas", {
    class: "dp-pad", tabindex: "0",
    "aria-label": `draw a digit here (a ${size}×${size} pad) with the mouse, a finger or a pen`,
  });
  pad.width = side;
  pad.height = side;
  pad.style.width = `${side}px`;
  pad.style.height = `${side}px`;
  const ctx = pad.getContext("2d", { willReadFrequently: true });
  const seen = canvas(shown, shown, Math.max(2, Math.round(GRID_PX / shown)),
    `what the models read: your digit as a ${shown}×${shown} grid`);
  seen.classList.add("dp-grid");
  const clear = h("button", { class: "dp-clear", "aria-label": "clear the pad" }, "Clear");
  const note = h("div", { class: "ch-note dp-no-kernel", role: "status", style: { maxWidth: `${side}px` } });
  const rows = names.map(modelRow);

  // --- drawing: white ink on black, a soft round brush ('lighten' keeps the brighter ink)
  let points = Array.from(f32(model.get("drawing").data)); // x, y, stroke, x, y, stroke...
  let last = null; // the pointer's previous position while a stroke is drawn
  let stroke = 0; // the number of the stroke being drawn

  function blank() {
    ctx.globalCompositeOperation = "source-over";
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, side, side);
  }
  function dab(x, y) {
    const g = ctx.createRadialGradient(x, y, 0, x, y, radius);
    g.addColorStop(0, "#fff");
    g.addColorStop(0.5, "#fff"); // a solid core, then a soft edge fading to the paper
    g.addColorStop(1, "#000");
    ctx.globalCompositeOperation = "lighten";
    ctx.fillStyle = g;
    ctx.beginPath();
    ctx.arc(x, y, radius, 0, 2 * Math.PI);
    ctx.fill();
  }
  function lineTo(p) { // dabs a quarter radius apart from the last position to p
    const n = Math.max(1, Math.ceil(Math.hypot(p[0] - last[0], p[1] - last[1]) / (radius / 4)));
    for (let i = 1; i <= n; i++) dab(last[0] + (p[0] - last[0]) * i / n, last[1] + (p[1] - last[1]) * i / n);
    last = p;
  }
  function at(e) { // the pointer in canvas pixels
    const r = pad.getBoundingClientRect();
    return [(e.clientX - r.left) * side / r.width, (e.clientY - r.top) * side / r.height];
  }
  function record(p) { points.push(p[0] * size / side, p[1] * size / side, stroke); }

  // The ink grid: the pad averaged over k x k blocks -> grid x grid bytes (exact area mean).
  function inkGrid() {
    const rgba = ctx.getImageData(0, 0, side, side).data;
    const sums = new Float32Array(grid * grid);
    for (let y = 0; y < side; y++) {
      const row = Math.floor(y / k) * grid;
      for (let x = 0; x < side; x++) sums[row + Math.floor(x / k)] += rgba[4 * (y * side + x)];
    }
    return Uint8Array.from(sums, (s) => Math.round(s / (k * k)));
  }

  // --- talking to Python
  let own = false; // true while this view sets the traits it sends (its own change events)
  const ask = askPython(model, note,
    "No answer from a kernel yet: predictions need a running kernel (open the notebook in " +
    "Jupyter and run it). Drawing still works.", { counter: "_answered", wait: NO_KERNEL_MS });
  function send() {
    own = true;
    model.set("_ink", { shape: [grid, grid], data: new DataView(inkGrid().buffer) });
    model.set("drawing", { shape: [points.length / 3, 3], data: new DataView(new Float32Array(points).buffer) });
    model.set("_sent", model.get("_sent") + 1);
    own = false;
    try { model.save_changes(); } catch (err) { /* a static page: no kernel to send to */ }
    ask();
  }
  function showInk() { // the ink Python holds (a loaded digit), drawn pixel for pixel
    const ink = model.get("_ink");
    const [hh, ww] = ink.shape;
    const values = u8(ink.data);
    const small = document.createElement("canvas");
    small.width = ww;
    small.height = hh;
    const img = small.getContext("2d").createImageData(ww, hh);
    for (let i = 0; i < ww * hh; i++) {
      img.data.fill(values[i], 4 * i, 4 * i + 3);
      img.data[4 * i + 3] = 255;
    }
    small.getContext("2d").putImageData(img, 0, 0);
    blank();
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, side, side);
  }
  function showImage() {
    const image = model.get("image");
    paint(seen, u8(image.data), image.shape[1], image.shape[0], lut);
  }
  function showPredictions() {
    const predictions = model.get("predictions");
    rows.forEach((row, i) => row.show(predictions[names[i]] || null));
  }

  let pen = null; // the pointer drawing the stroke (a second finger is ignored)
  pad.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || last) return;
    e.preventDefault();
    pad.setPointerCapture(e.pointerId); // the stroke goes on if the pen leaves the pad
    pen = e.pointerId;
    stroke = points.length ? points[points.length - 1] + 1 : 0;
    last = at(e);
    dab(last[0], last[1]);
    record(last);
  });
  pad.addEventListener("pointermove", (e) => {
    if (!last || e.pointerId !== pen) return;
    for (const ev of e.getCoalescedEvents ? e.getCoalescedEvents() : [e]) {
      const p = at(ev);
      lineTo(p);
      record(p);
    }
  });
  const end = (e) => {
    if (!last || e.pointerId !== pen) return;
    last = null;
    send();
  };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  clear.addEventListener("click", () => {
    last = null;
    points = [];
    blank();
    send();
  });

  model.on("change:_ink", () => {
    if (own) return;
    points = Array.from(f32(model.get("drawing").data));
    showInk();
  });
  model.on("change:image", showImage);
  model.on("change:predictions", showPredictions);

  showInk();
  showImage();
  showPredictions();
  const answers = h("div", { class: "ch-row dp-answers" },
    h("div", { class: "dp-column" },
      h("span", { class: "dp-caption" }, `what the models read (${shown}×${shown})`), seen),
    h("div", { class: "dp-column dp-results" }, ...rows));
  // While the note shows, the grid and the bars belong to an earlier drawing: dim them.
  new MutationObserver(() => answers.classList.toggle("dp-stale", !note.hidden))
    .observe(note, { attributes: true, attributeFilter: ["hidden"] });
  const root = h("div", { class: "dp-root", "data-ch-widget": "digit-pad" },
    h("style", {}, DP_STYLE),
    h("div", { class: "ch-row" },
      h("div", { class: "dp-column" }, pad, h("div", {}, clear), note), answers));
  styled(root);
  el.append(root);
}

export default { render };
