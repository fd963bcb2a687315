// shift_predictions.js: notebook 06's prediction movers (shift_predictions.py), drawn in the
// page. An image moved dy rows down and dx columns right (zero fill) and a table with every
// model's prediction for it. The probabilities of every (dy, dx) were sent once: a step
// picks a row, the kernel is never asked. esm() puts draw.js and grids.js in front of this.

function render({ model, el }) {
  const [H, W] = model.get("shape");
  const scale = model.get("scale");
  const m = model.get("max_shift");
  const names = model.get("names");
  const label = model.get("label");
  const C = model.get("classes");
  const side = 2 * m + 1;
  const image = u8(model.get("image"));
  const probabilities = f32(model.get("probabilities")); // (side, side, models, C)
  const lut = u8(model.get("lut"));
  widgetRoot(el, "shift-predictions");

  const picture = canvas(W, H, scale, "the moved image");
  const caption = h("div", { class: "ch-note" });
  const pad = { padding: "2px 8px", textAlign: "center" };
  const th = (text, style = pad) => h("th", { style }, text);
  const cells = names.map(() => [h("td", { style: pad }), h("td", { style: pad }),
    h("td", { style: pad })]);
  const table = h("table", { style: { borderCollapse: "collapse", fontSize: "13px" } },
    h("tr", {}, th("model", { padding: "2px 8px", textAlign: "left" }), th("predicts"),
      th("its probability"), th(`P(true class ${label})`)),
    ...names.map((name, i) => h("tr", {}, h("td", { style: { padding: "2px 8px" } }, name),
      ...cells[i])));

  const draw = () => {
    const y = Number(dy.input.value), x = Number(dx.input.value);
    paint(picture, shifted(image, W, H, y, x), W, H, lut);
    caption.textContent = `image ${H}×${W} pixels, moved ${y} down and ${x} right (zero fill)`;
    const at = ((y + m) * side + x + m) * names.length; // row [dy + m, dx + m]
    names.forEach((_, i) => {
      const p = probabilities.subarray((at + i) * C, (at + i + 1) * C);
      const guess = argmax(p);
      cells[i][0].textContent = `${guess === label ? "✅" : "❌"} ${guess}`;
      cells[i][1].textContent = p[guess].toFixed(3);
      cells[i][2].textContent = p[label].toFixed(3);
    });
  };

  const dy = slider(model, "dy", "dy (down)", { min: -m, max: m, onInput: draw });
  const dx = slider(model, "dx", "dx (right)", { min: -m, max: m, onInput: draw });
  el.append(
    h("div", { class: "ch-row" }, dy, dx),
    caption,
    h("div", { class: "ch-row", style: { gap: "16px" } }, picture, table),
  );
  draw();
}

export default { render };
