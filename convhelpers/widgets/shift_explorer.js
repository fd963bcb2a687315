// shift_explorer.js: notebook 03's shift explorer (shift_scores.py), drawn in the page.
// A digit moved by dx, dy (zero fill) and the flattened model's scores as bars around zero
// (blue positive, amber negative; one scale per digit). The scores of every digit and shift
// were sent once: a step picks a row, the kernel is never asked.
// esm() puts draw.js and grids.js in front of this file.

const BLUE = "#0072B2", AMBER = "#E69F00"; // Okabe-Ito: positive and negative scores
const HALF = 150; // screen pixels of a bar at the digit's largest |score|

function render({ model, el }) {
  const [n, H, W] = model.get("shape");
  const scale = model.get("scale");
  const m = model.get("max_shift");
  const C = model.get("classes");
  const side = 2 * m + 1;
  const images = u8(model.get("images"));
  const scores = f32(model.get("scores")); // (n, side, side, C)
  const similarities = f32(model.get("similarities")); // (n, side, side)
  const lut = u8(model.get("lut"));
  const labels = model.get("labels");
  const total = model.get("total");
  widgetRoot(el, "shift-explorer");

  const picture = canvas(W, H, scale, "the shifted digit");
  const info = h("div", { class: "ch-note" });
  const cell = (style, ...kids) => h("td", { style: { padding: "1px 0", ...style } }, ...kids);
  const bar = () => h("div", { style: { height: "14px", width: "0px" } });
  const limits = h("tr", {}, cell({}), cell({ textAlign: "left" }), cell({ textAlign: "right" }),
    cell({ paddingLeft: "8px" }, "score"));
  const rows = [];
  for (let c = 0; c < C; c++) {
    const left = bar(), right = bar();
    left.style.marginLeft = "auto";
    const value = cell({ whiteSpace: "pre" });
    const tr = h("tr", {}, cell({}, `class ${c}`),
      cell({ width: `${HALF}px`, borderRight: "1px solid #888" }, left),
      cell({ width: `${HALF}px` }, right), value);
    rows.push({ tr, left, right, value });
  }
  const bars = h("table", { style: { borderCollapse: "collapse", font: "13px monospace" } },
    limits, ...rows.map((r) => r.tr));
  const limitOf = new Float32Array(n); // per digit: the largest |score| over every shift
  for (let k = 0; k < n; k++) {
    const part = nth(scores, k, side * side * C);
    limitOf[k] = part.reduce((a, v) => Math.max(a, Math.abs(v)), 0) || 1;
  }

  const draw = () => {
    const k = Number(digit.input.value);
    const x = Number(dx.input.value), y = Number(dy.input.value);
    const at = (k * side + y + m) * side + x + m; // row [digit, dy + m, dx + m]
    const s = scores.subarray(at * C, (at + 1) * C);
    const limit = limitOf[k];
    const predicted = argmax(s);
    const truth = labels.length ? labels[k] : null;
    paint(picture, shifted(nth(images, k, H * W), W, H, y, x), W, H, lut);
    limits.children[1].textContent = `−${limit.toFixed(0)}`;
    limits.children[2].textContent = `+${limit.toFixed(0)}`;
    rows.forEach((r, c) => {
      const width = `${Math.round((Math.min(Math.abs(s[c]), limit) / limit) * HALF)}px`;
      r.left.style.width = s[c] < 0 ? width : "0px";
      r.right.style.width = s[c] >= 0 ? width : "0px";
      r.left.style.background = AMBER;
      r.right.style.background = BLUE;
      let mark = c === predicted ? " ◀ predicted" : "";
      if (c === truth) mark += " (true class)";
      const number = `${s[c] >= 0 ? "+" : ""}${s[c].toFixed(2)}`; // Python's {:+7.2f}
      r.value.textContent = `${number.padStart(7)}${mark}`;
      r.tr.style.fontWeight = c === predicted ? "bold" : "normal";
    });
    const verdict = truth === null ? "" : predicted === truth ? " ✅ right" : " ❌ wrong";
    info.innerHTML = "";
    info.append(`Moved dx=${x}, dy=${y}: predicted `, h("b", {}, String(predicted)),
      `${truth === null ? "" : ` (true ${truth})`}${verdict}. Cosine similarity to the ` +
      "unshifted digit: ", h("b", {}, similarities[at].toFixed(3)), ".");
  };

  const digit = slider(model, "digit", "digit #", { min: 0, max: n - 1, onInput: draw });
  const dx = slider(model, "dx", "dx (→ right)", { min: -m, max: m, onInput: draw });
  const dy = slider(model, "dy", "dy (↓ down)", { min: -m, max: m, onInput: draw });
  const first = total > n ? h("span", { class: "ch-note" }, `(the first ${n} of ${total.toLocaleString("en-US")})`) : "";
  el.append(
    h("div", { class: "ch-row" }, digit, first, dx, dy),
    h("div", { class: "ch-row" },
      titled("shifted digit (zero fill)", picture, colourBar(lut, "pixel value")),
      titled("the flattened model's ten scores", bars)),
    info,
  );
  draw();
}

export default { render };
