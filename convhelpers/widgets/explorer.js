// explorer.js: notebook 04's KernelExplorer, drawn in the page. explorer.py holds the state
// (synced traits) and sends, once per input, the image, the kernel and the whole stride-1
// feature map for both flip settings and every padding 0-3 at which the kernel fits. Every
// step, Play, hover, the padding and stride sliders and the flip checkbox repaint here without
// waiting for Python: stride s shows every s-th value of the flip's and padding's stride-1 map.
// base.py's esm() puts draw.js in front of this file, so its helpers (h, canvas, paint,
// valueTable, colourBar, ...) are in scope.

const KE_ORANGE = "#E66100"; // the patch; dashed: the one under the pointer
const KE_PURPLE = "#5E3C99"; // the edge of the unpadded image
const KE_NOT_YET = [170, 170, 170]; // feature-map cells not reached yet
const KE_NO_VALUE = [40, 40, 40]; // cells the learner's function gave no value for
const KE_MARGIN = 4; // screen px around each picture, so outlines at its edge stay whole
const KE_PX = 256; // the pictures are about this many screen pixels wide
const KE_SPEEDS = [["slow", 300], ["normal", 100], ["fast", 30]]; // ms per step
const KE_NEEDS_PYTHON =
  "⏳ No answer from Python yet: the image and kernel menus and a typed kernel are " +
  "computed by the Python kernel, and it is busy or not running (a static page has none). " +
  "Stepping, Play, hovering, padding, stride and flip work without it.";

const KE = '[data-ch-widget="kernel-explorer"]';
const KE_STYLE = `
${KE} .ke-sign { font-size: 22px; padding: 0 6px; align-self: center; }
${KE} .ke-swatch { display: inline-block; width: 10px; height: 10px; border: 1px solid #888;
  margin-right: 4px; vertical-align: middle; }
${KE} .ke-sum { line-height: 1.6; margin: 4px 0; }
${KE} .ke-terms { font-family: var(--jp-code-font-family, monospace); }
${KE} .ke-message { color: var(--jp-warn-color0, #b35806); }
${KE} .ch-row { margin: 4px 0; }
${KE} input[type=range] { width: 100px; }
${KE} textarea { font-family: var(--jp-code-font-family, monospace); width: 170px; }
${KE} canvas.ke-pointer { cursor: crosshair; }
`;

function keTerm(v) { // a factor in the written-out sum: negatives in brackets
  const text = significant(v, 4);
  return v < 0 && text !== "0" ? `(${text})` : text;
}
function keSwatch(colour, text) {
  const css = Array.isArray(colour) ? `rgb(${colour.join(",")})` : colour;
  return h("div", {}, h("span", { class: "ke-swatch", style: { background: css } }), text);
}

// Give overlay o (made by draw.js's overlay) the size of base shown at scale, plus its margin.
function keFit(o, base, scale) {
  const w = base.width * scale + 2 * o.margin, h_ = base.height * scale + 2 * o.margin;
  if (o.width !== w || o.height !== h_) { o.width = w; o.height = h_; }
}

// The shape of a stride-1 map {rows, cols} at stride s: every s-th row and column.
function keOutShape(map, s) {
  return [Math.floor((map.rows - 1) / s) + 1, Math.floor((map.cols - 1) / s) + 1];
}

function keMenu(model, label, optionsTrait, trait, send) {
  const select = h("select", { "aria-label": label });
  const fill = () => {
    select.replaceChildren(...model.get(optionsTrait).map((o) => h("option", { value: o }, o)));
    select.value = model.get(trait);
  };
  fill();
  select.addEventListener("change", () => send(trait, select.value));
  model.on(`change:${optionsTrait}`, fill);
  model.on(`change:${trait}`, () => { select.value = model.get(trait); });
  return h("label", { class: "ch-control" }, h("span", {}, label), select);
}

function render({ model, el }) {
  const root = h("div", { "data-ch-widget": "kernel-explorer" }, h("style", {}, KE_STYLE));
  styled(root);
  const pending = h("div", { class: "ch-note", role: "status" });
  const ask = askPython(model, pending, KE_NEEDS_PYTHON);
  const send = (trait, value) => { model.set(trait, value); model.save_changes(); ask(); };

  // --- flip: drawn here at once from the other maps Python sent; Python is told --------
  const flipBox = h("input", { type: "checkbox", "aria-label": "flip kernel" });
  flipBox.checked = model.get("flip");
  flipBox.addEventListener("change", () => {
    model.set("flip", flipBox.checked);
    model.save_changes();
    schedule(1);
  });

  // --- inputs Python answers: it recomputes the maps, then the page redraws -------------
  const typed = h("textarea", {
    rows: 4, "aria-label": "type a kernel", spellcheck: "false",
    placeholder: "rows of numbers, e.g.\n1 0 -1\n2 0 -2\n1 0 -1",
  });
  typed.value = model.get("kernel_text");
  let typing = 0;
  typed.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => send("kernel_text", typed.value), 300);
  });
  model.on("change:kernel_text", () => {
    if (typed.value !== model.get("kernel_text")) typed.value = model.get("kernel_text");
  });
  const message = h("div", { class: "ke-message", role: "status" });

  // --- padding and stride: drawn here at once from the maps Python sent ---------------
  const padding = rangeInput("padding", { min: 0, max: 3, value: model.get("padding"),
    onInput: (p) => setting("padding", p) });
  const stride = rangeInput("stride", { min: 1, max: 3, value: model.get("stride"),
    onInput: (s) => setting("stride", s) });
  let refused = ""; // the page's own message: a padding where the kernel does not fit

  // --- moving: drawn here at once; Python is told but never waited for -----------------
  const at = () => [Math.floor(model.get("position") / out()[1]), model.get("position") % out()[1]];
  const step = rangeInput("step", { onInput: (p) => moveTo(p) });
  const rowIn = rangeInput("row i", { onInput: (i) => moveTo(i * out()[1] + at()[1]) });
  const colIn = rangeInput("column j", { onInput: (j) => moveTo(at()[0] * out()[1] + j) });
  const play = h("button", { type: "button", "aria-label": "play", "aria-pressed": "false" });
  const speed = h("select", { "aria-label": "speed" },
    ...KE_SPEEDS.map(([name, ms]) => h("option", { value: ms }, name)));
  play.addEventListener("click", () => setPlaying(!model.get("playing")));
  speed.addEventListener("change", () => {
    model.set("interval", Number(speed.value));
    model.save_changes();
  });
  const showSpeed = () => {
    const ms = model.get("interval");
    speed.value = KE_SPEEDS.reduce((a, b) => (Math.abs(b[1] - ms) < Math.abs(a[1] - ms) ? b : a))[1];
  };
  showSpeed();
  model.on("change:interval", showSpeed);

  // --- pictures and panels ----------------------------------------------------------------
  const gray = u8(model.get("gray_lut")), signed = u8(model.get("signed_lut"));
  const image = canvas(1, 1, 1, "image with the patch outlined");
  const map = canvas(1, 1, 1, "feature map, filled in up to the current position");
  const imageOver = overlay(image, 1, KE_MARGIN), mapOver = overlay(map, 1, KE_MARGIN);
  const around = { class: "ch-stack", style: { margin: `${KE_MARGIN}px` } };
  const imageStack = h("div", around, image, imageOver), mapStack = h("div", around, map, mapOver);
  image.classList.add("ke-pointer");
  map.classList.add("ke-pointer");
  const imageTitle = h("div"), mapTitle = h("div"), formula = h("div"), productsTitle = h("div");
  const imageLegend = colourBar(gray, "pixel value"), mapLegend = colourBar(signed, "feature-map value");
  const cell = { cell: [38, 26] };
  const patchGrid = valueTable("patch", cell), kernelGrid = valueTable("kernel", cell);
  const productsGrid = valueTable("products", cell);
  const sum = h("div", { "data-ch": "sum", class: "ke-sum" });
  const pointer = h("div", { class: "ch-note" });
  const note = h("div", { class: "ke-note" });

  root.append(
    h("div", { class: "ch-row" }, keMenu(model, "image", "image_options", "image_choice", send),
      keMenu(model, "kernel", "preset_options", "preset", send),
      h("label", { class: "ch-control" }, flipBox, "flip kernel (convolution)")),
    h("div", { class: "ch-row" }, padding, stride), pending, formula,
    h("div", { class: "ch-row" }, play, h("label", { class: "ch-control" }, "speed", speed), step),
    h("div", { class: "ch-row" }, rowIn, colIn),
    h("div", { class: "ch-row" },
      h("div", {}, imageTitle, imageStack, imageLegend),
      h("div", {}, mapTitle, mapStack, mapLegend),
      h("div", {}, h("b", {}, "type a kernel"), h("div", {}, "(rows of numbers)"), typed, message)),
    productsTitle,
    h("div", { class: "ch-row" }, patchGrid, h("span", { class: "ke-sign" }, "⊙"), kernelGrid,
      h("span", { class: "ke-sign" }, "="), productsGrid),
    sum, pointer, note,
  );
  el.append(root);

  // --- the data Python sent, decoded once per input ----------------------------------------
  let d = null, redo = 2, hover = null, scheduled = false; // redo: 2 decode, 1 pick, 0 step
  const out = () => [d.ho, d.wo];

  function decode() {
    const f = model.get("frame");
    const [H, W] = f.image, [kh, kw] = f.kernel;
    const pixels = f32(model.get("image_bytes")), kernel = f32(model.get("kernel_bytes"));
    const flipped = kernel.slice().reverse(); // rotated 180° = reversed in row order
    // the stride-1 maps, padding 0-3 one after the other (null: the kernel does not fit there),
    // first with flip off, then on: maps[flip][padding]
    const refs = f64(model.get("maps_bytes"));
    const theirs = u8(model.get("learner_bytes")).length ? f64(model.get("learner_bytes")) : null;
    let start = 0;
    const maps = [0, 1].map((flip) => f.maps.map((shape, p) => {
      if (!shape) return null;
      const [rows, cols] = shape, end = start + rows * cols;
      const one = { rows, cols, ref: refs.subarray(start, end), learner: theirs &&
        theirs.subarray(start, end), note: f.notes[flip][p] };
      start = end;
      return one;
    }));
    d = { f, H, W, kh, kw, pixels, kernels: [kernel, flipped], maps };
    reserve();
    pick();
  }

  // The two pictures' boxes take the largest size the pictures reach over every padding and
  // stride, so moving those never changes the widget's size: the page around it (JupyterLab's
  // notebook) need not lay itself out again, and the step lands within one frame.
  function reserve() {
    let image = [0, 0], map = [0, 0];
    const most = (a, b) => [Math.max(a[0], b[0]), Math.max(a[1], b[1])];
    d.f.maps.forEach((shape, p) => {
      if (!shape) return;
      const Hp = d.H + 2 * p, Wp = d.W + 2 * p, scale = Math.max(1, Math.floor(KE_PX / Math.max(Hp, Wp)));
      image = most(image, [Hp * scale, Wp * scale]);
      for (const s of [1, 2, 3]) {
        const [ho, wo] = keOutShape({ rows: shape[0], cols: shape[1] }, s);
        map = most(map, [ho * scale * s, wo * scale * s]);
      }
    });
    for (const [stack, [hi, wi]] of [[imageStack, image], [mapStack, map]]) {
      Object.assign(stack.style, { minHeight: `${hi}px`, minWidth: `${wi}px` });
    }
  }

  // The map for the flip, padding and stride set now: every s-th value of their stride-1 map
  // (what conv2d computes with stride s), with the padded image it came from.
  function pick() {
    const flip = Number(model.get("flip"));
    let p = model.get("padding");
    if (!d.maps[flip][p]) p = d.maps[flip].findIndex(Boolean); // (Python sets it back soon)
    const s = model.get("stride"), { H, W, pixels } = d, full = d.maps[flip][p];
    const [ho, wo] = keOutShape(full, s);
    const ref = new Float64Array(ho * wo), learner = full.learner && new Float64Array(ho * wo);
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        ref[i * wo + j] = full.ref[i * s * full.cols + j * s];
        if (learner) learner[i * wo + j] = full.learner[i * s * full.cols + j * s];
      }
    }
    const Hp = H + 2 * p, Wp = W + 2 * p;
    const padded = new Float32Array(Hp * Wp); // zeros around the image
    for (let y = 0; y < H; y++) padded.set(pixels.subarray(y * W, (y + 1) * W), (y + p) * Wp + p);
    const shown = learner || ref;
    let m = 0;
    for (const v of shown) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
    const scale = Math.max(1, Math.floor(KE_PX / Math.max(Hp, Wp)));
    Object.assign(d, { flip, p, s, ho, wo, Hp, Wp, padded, ref, learner, shown, m: m || 1, scale,
      ms: scale * s, used: d.kernels[flip], note: full.note[s - 1] });
    padding.set(p);
    stride.set(s);
    flipBox.checked = Boolean(flip);
    redo = 0;
    drawFrame();
  }

  // A padding or stride slider moved: redraw now; the traits follow (Python is not waited for).
  function setting(trait, value) {
    const p = trait === "padding" ? value : model.get("padding");
    const full = d.maps[d.flip][p]; // its stride-1 map
    if (!full) { // the kernel does not fit the padded image: refused here, as Python would
      const old = model.get("padding");
      refused = `⚠️ a ${d.kh}×${d.kw} kernel does not fit the ${d.H}×${d.W} image with ` +
        `padding ${p}; padding set back to ${old}.`;
      padding.set(old);
      showText();
      return;
    }
    refused = "";
    const [ho, wo] = keOutShape(full, trait === "stride" ? value : model.get("stride"));
    const i = Math.min(model.get("row"), ho - 1), j = Math.min(model.get("col"), wo - 1);
    model.set(trait, value);
    model.set("row", i);
    model.set("col", j);
    model.set("position", i * wo + j);
    model.save_changes();
    if (model.get("kernel_message")) ask(); // a typed kernel too big before may fit: Python
    showText();
    schedule(1);
  }

  function drawFrame() {
    const { f, H, W, kh, kw, flip, p, s, Hp, Wp, scale, ms, ho, wo } = d;
    const [vmin, vmax] = f.range;
    if (d.painted !== p) { // the padded image: new with the data or the padding, not the stride
      image.style.width = `${Wp * scale}px`;
      image.style.height = `${Hp * scale}px`;
      paint(image, d.padded, Wp, Hp, gray, vmin, vmax);
      d.painted = p;
    }
    if (map.width !== wo || map.height !== ho) { map.width = wo; map.height = ho; }
    map.style.width = `${wo * ms}px`;
    map.style.height = `${ho * ms}px`;
    keFit(imageOver, image, scale);
    keFit(mapOver, map, ms);
    imageTitle.replaceChildren(h("b", {}, "image"),
      ` (${H}, ${W}): ${f.about}` + (p ? `, padded to (${Hp}, ${Wp})` : ""));
    mapTitle.replaceChildren(h("b", {}, "feature map"), ` (${ho}, ${wo})`);
    const edge = keSwatch(KE_PURPLE, "edge of the image; outside: zero padding");
    edge.style.visibility = p ? "visible" : "hidden"; // kept, so the legend's height stays
    imageLegend.set(vmin, vmax, keSwatch(KE_ORANGE, `the ${kh}×${kw} patch under the kernel`), edge);
    const gaps = d.learner && d.learner.some((v) => Number.isNaN(v));
    mapLegend.set(-d.m, d.m, keSwatch(KE_NOT_YET, "not computed yet"),
      ...(gaps ? [keSwatch(KE_NO_VALUE, "no value from your function")] : []));
    const size = (n, k, axis, o) => `${axis}: (${n} + 2·${p} − ${k}) // ${s} + 1 = ${o}`;
    formula.textContent = "output size = (N + 2·padding − k) // stride + 1 → " +
      `${size(H, kh, "rows", ho)}, ${size(W, kw, "columns", wo)}`;
    productsTitle.replaceChildren(h("b", {}, "patch"), ` (${kh}, ${kw}) ⊙ `, h("b", {}, "kernel"),
      ` (${kh}, ${kw})${flip ? " rotated 180°" : ""} = `, h("b", {}, "products"),
      ` (${kh}, ${kw}); their sum is one feature-map value`);
    let k = 0;
    for (const v of d.used) k = Math.max(k, Math.abs(v));
    kernelGrid.show(Array.from(d.used), kh, kw, signed, -(k || 1), k || 1,
      flip ? "flipped kernel" : "kernel");
    step.setRange(0, ho * wo - 1);
    rowIn.setRange(0, ho - 1);
    colIn.setRange(0, wo - 1);
    note.textContent = d.note; // on the learner's conv_fn at this flip, padding and stride
    drawStep();
  }

  function drawStep() {
    const { kh, kw, p, s, H, W, scale, ms } = d, [ho, wo] = out();
    const at = Math.max(0, Math.min(ho * wo - 1, model.get("position")));
    const i = Math.floor(at / wo), j = at % wo;
    step.set(at);
    rowIn.set(i);
    colIn.set(j);
    // the image: the patch outlined (and the pointer's patch dashed)
    clear(imageOver);
    if (p) box(imageOver, scale, p, p, H, W, KE_PURPLE, 1, { outside: true });
    box(imageOver, scale, i * s, j * s, kh, kw, KE_ORANGE, 3, { outside: true });
    // the feature map: filled in row by row up to (i, j), that cell ringed
    paint(map, d.shown, wo, ho, signed, -d.m, d.m,
      (c, v) => (c > at ? KE_NOT_YET : Number.isNaN(v) ? KE_NO_VALUE : null));
    clear(mapOver);
    box(mapOver, ms, i, j, 1, 1, "#000", 3, { outside: true });
    box(mapOver, ms, i, j, 1, 1, "#fff", 1, { outside: true });
    if (hover) {
      const dashed = { outside: true, dash: [5, 4] };
      box(imageOver, scale, hover.i * s, hover.j * s, kh, kw, KE_ORANGE, 2, dashed);
      box(mapOver, ms, hover.i, hover.j, 1, 1, KE_ORANGE, 2, { outside: true, dash: [4, 3] });
    }
    // patch ⊙ kernel = products, and their sum written out
    const patch = [], products = [];
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const v = d.padded[(i * s + a) * d.Wp + j * s + b];
        patch.push(v);
        products.push(v * d.used[a * kw + b] + 0);
      }
    }
    const [vmin, vmax] = d.f.range;
    patchGrid.show(patch, kh, kw, gray, vmin, vmax);
    const pm = Math.max(...products.map(Math.abs)) || 1;
    productsGrid.show(products, kh, kw, signed, -pm, pm);
    const total = d.ref[at];
    sum.dataset.value = String(total);
    sum.dataset.row = String(i);
    sum.dataset.col = String(j);
    const terms = patch.map((v, c) => `${keTerm(v)}×${keTerm(d.used[c])}`).join(" + ");
    sum.replaceChildren(h("b", {}, `feature map[${i}, ${j}]`), " = Σ patch ⊙ kernel = ",
      h("span", { class: "ke-terms" }, terms), " = ", h("b", {}, significant(total, 6)));
    if (d.learner) {
      const theirs = d.learner[at];
      if (Number.isNaN(theirs)) sum.append(h("br"), "❌ your conv_fn gave no value for this cell");
      else if (Math.abs(theirs - total) > 1e-6 + 1e-5 * Math.abs(total)) {
        sum.append(h("br"), "❌ your conv_fn gave ", h("b", {}, significant(theirs, 6)), " here");
      }
    }
    const there = hover && d.shown[hover.i * wo + hover.j];
    pointer.textContent = hover
      ? `under the pointer: feature map[${hover.i}, ${hover.j}] = ` +
        `${Number.isNaN(there) ? "no value" : significant(there, 6)} (click to move there)`
      : "Point at the image or the feature map to see a value there; click to move there.";
  }

  // Redraw once per burst of changes (a microtask: still before the next frame is painted).
  // level 2: new data from Python (decode), 1: another flip, padding or stride (pick), 0: a step.
  function schedule(level = 0) {
    redo = Math.max(redo, level);
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      if (redo === 2) decode();
      else if (redo === 1) pick();
      else drawStep();
    });
  }

  function moveTo(target) {
    const [ho, wo] = out(), at = Math.max(0, Math.min(ho * wo - 1, Math.round(target)));
    model.set("position", at);
    model.set("row", Math.floor(at / wo));
    model.set("col", at % wo);
    model.save_changes();
    schedule();
  }

  // --- Play: steps in the page at its speed ------------------------------------------------
  let frameId = 0;
  function setPlaying(on) {
    model.set("playing", on);
    model.save_changes();
  }
  function playing(on) {
    cancelAnimationFrame(frameId);
    play.textContent = on ? "⏸ pause" : "▶ play";
    play.setAttribute("aria-pressed", String(on));
    if (!on || !d) return;
    const last = () => out()[0] * out()[1] - 1;
    if (model.get("position") >= last()) moveTo(0);
    let then = performance.now();
    const tick = (now) => {
      const every = model.get("interval");
      if (now - then >= every) {
        then = now - then > 2 * every ? now : then + every;
        moveTo(model.get("position") + 1);
        if (model.get("position") >= last()) return setPlaying(false);
      }
      frameId = requestAnimationFrame(tick);
    };
    frameId = requestAnimationFrame(tick);
  }

  // --- the pointer: hovering shows a cell and its patch; a click moves there --------------
  function cellUnder(e, onImage) {
    const [ho, wo] = out(), clamp = (v, n) => Math.max(0, Math.min(n - 1, v));
    if (!onImage) {
      return { i: clamp(Math.floor(e.offsetY / d.ms), ho), j: clamp(Math.floor(e.offsetX / d.ms), wo) };
    }
    // the image: the position whose patch is centred nearest the pixel
    const y = Math.floor(e.offsetY / d.scale), x = Math.floor(e.offsetX / d.scale);
    const near = (v, k, n) => clamp(Math.round((v - (k - 1) / 2) / d.s), n);
    return { i: near(y, d.kh, ho), j: near(x, d.kw, wo) };
  }
  for (const [c, onImage] of [[image, true], [map, false]]) {
    c.addEventListener("pointermove", (e) => { hover = cellUnder(e, onImage); schedule(); });
    c.addEventListener("pointerleave", () => { hover = null; schedule(); });
    c.addEventListener("click", (e) => {
      const { i, j } = cellUnder(e, onImage);
      moveTo(i * out()[1] + j);
    });
  }

  // --- changes from Python ------------------------------------------------------------------
  for (const trait of ["frame", "image_bytes", "kernel_bytes", "maps_bytes", "learner_bytes"]) {
    model.on(`change:${trait}`, () => schedule(2));
  }
  for (const trait of ["flip", "padding", "stride"]) {
    model.on(`change:${trait}`, () => schedule(1));
  }
  model.on("change:position", () => schedule());
  model.on("change:playing", () => playing(model.get("playing")));
  function showText() {
    message.textContent = refused || model.get("kernel_message");
  }
  model.on("change:kernel_message", () => { refused = ""; showText(); });
  showText();
  decode();
  playing(model.get("playing"));
  return () => cancelAnimationFrame(frameId);
}

export default { render };
