// feature_maps.js: notebook 05's feature-maps widget (feature_maps.py), drawn in the page.
// The input digit, the chosen channel of the chosen layer enlarged, every channel of that
// layer as a strip (the chosen one outlined) and the class probabilities. Every layer's
// maps for the digits were sent once as float32; the kernel is never asked.
// esm() puts draw.js and grids.js in front of this file.

const ORANGE = "#E66100";

function render({ model, el }) {
  const [n, H, W] = model.get("shape");
  const images = u8(model.get("images"));
  const maps = f32(model.get("maps"));
  const layers = model.get("layers");
  const limits = f32(model.get("limits")); // (layers, n)
  const probabilities = f32(model.get("probabilities"));
  const classes = model.get("classes");
  const labels = model.get("labels");
  const gray = u8(model.get("gray"));
  const signed = u8(model.get("signed"));
  widgetRoot(el, "feature-maps");

  const input = canvas(W, H, Math.max(1, Math.floor(196 / H)), "the input digit");
  const big = canvas(1, 1, 1, "the chosen channel, enlarged");
  const info = h("div", { class: "ch-note" });
  const key = h("div", { class: "ch-note", style: { display: "flex", gap: "6px", alignItems: "center" } });
  const keyBar = canvas(256, 1, 1, "colour key: blue negative, white zero, red positive");
  Object.assign(keyBar.style, { width: "160px", height: "12px", border: "1px solid #999" });
  paint(keyBar, Array.from({ length: 256 }, (_, i) => i), 256, 1, signed, 0, 255);
  const [keyLo, keyHi] = [h("span"), h("span")];
  key.append(keyLo, keyBar, keyHi, h("span", {}, "(white = 0)"));
  const odds = h("div", { style: { font: "12px monospace" } });
  const strip = h("div", { style: { display: "flex", flexWrap: "wrap", gap: "6px", maxWidth: "520px" } });
  let thumbs = [];
  let shownLayer = null, shownDigit = null;

  // Channel c of layer entry e for digit k: a Float32Array of e.height * e.width values.
  const mapOf = (e, k, c) => {
    const size = e.height * e.width;
    const start = e.offset + (k * e.channels + c) * size;
    return maps.subarray(start, start + size);
  };

  const drawStrip = (e, k, limit) => { // thumbnails about 56 screen pixels wide
    const scale = Math.max(1, Math.floor(56 / e.height));
    thumbs = [];
    strip.replaceChildren();
    for (let c = 0; c < e.channels; c++) {
      const t = canvas(e.width, e.height, scale, `channel ${c}`);
      paint(t, mapOf(e, k, c), e.width, e.height, signed, -limit, limit);
      t.style.outlineOffset = "2px";
      t.style.cursor = "pointer";
      t.addEventListener("click", () => { // a click on a thumbnail chooses that channel
        channel.input.value = c;
        channel.input.dispatchEvent(new Event("input"));
      });
      thumbs.push(t);
      strip.append(t);
    }
  };

  const drawOdds = (k) => {
    const p = probabilities.subarray(k * classes, (k + 1) * classes);
    const guess = argmax(p);
    const truth = labels.length ? labels[k] : null;
    const verdict = truth === null ? "" : guess === truth ? " ✅" : ` ❌ (true: ${truth})`;
    odds.replaceChildren(h("div", { style: { font: "13px sans-serif" } },
      h("b", {}, `prediction: ${guess}`), ` (probability ${p[guess].toFixed(3)})${verdict}`));
    p.forEach((pk, c) => odds.append(h("div", {}, `${c} `,
      h("span", { style: { display: "inline-block", width: `${Math.floor(120 * pk)}px`,
        height: "10px", background: c === guess ? "#0072B2" : "#999" } }), ` ${pk.toFixed(3)}`)));
  };

  const draw = () => {
    const k = digit ? Number(digit.input.value) : 0;
    const e = picker.entry();
    const c = Number(channel.input.value);
    const limit = limits[layers.indexOf(e) * n + k];
    if (shownDigit !== k) {
      paint(input, nth(images, k, H * W), W, H, gray);
      drawOdds(k);
    }
    if (shownDigit !== k || shownLayer !== e) {
      drawStrip(e, k, limit);
      const scale = Math.max(1, Math.floor(196 / e.height));
      big.style.width = `${e.width * scale}px`;
      big.style.height = `${e.height * scale}px`;
      keyLo.textContent = `${(-limit).toFixed(2)}`;
      keyHi.textContent = `+${limit.toFixed(2)}`;
      shownDigit = k;
      shownLayer = e;
    }
    const chosen = mapOf(e, k, c);
    paint(big, chosen, e.width, e.height, signed, -limit, limit);
    thumbs.forEach((t, i) => { t.style.outline = i === c ? `3px solid ${ORANGE}` : "none"; });
    let lo = Infinity, hi = -Infinity;
    for (const v of chosen) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    info.replaceChildren(`layer ${e.index}: `, h("code", {}, e.name),
      `, output ${e.channels} channels of ${e.height}×${e.width}; ` +
      `channel ${c}: values from ${lo.toFixed(2)} to ${hi.toFixed(2)}`);
  };

  const digit = n > 1 ? slider(model, "digit", "digit", { min: 0, max: n - 1, onInput: draw }) : null;
  const picker = layerPicker(model, layers,
    (e) => `${e.index}: ${e.name} → (${e.channels}, ${e.height}, ${e.width})`, draw);
  const channel = picker.channel;
  el.append(
    h("div", { class: "ch-row" }, ...(digit ? [digit] : []),
      picker.control, channel),
    info,
    key,
    h("div", { class: "ch-row", style: { gap: "16px" } },
      titled("input digit", input), titled("chosen channel", big), odds),
    titled("all channels of this layer (chosen: orange)", strip),
  );
  draw();
}

export default { render };
