// shuffle_explorer.js: notebook 02's shuffle explorer (shuffle.py), drawn in the page.
// A digit and the same digit with its pixels shuffled by one permutation (or shuffled and
// put back), and a line comparing brightness, histogram and pixels with the original.
// esm() puts draw.js and grids.js in front of this file.

function render({ model, el }) {
  const [n, H, W] = model.get("shape");
  const scale = model.get("scale");
  const images = u8(model.get("images"));
  const lut = u8(model.get("lut"));
  const labels = model.get("labels");
  const total = model.get("total");
  const perm = model.get("perm");
  const inverse = new Array(perm.length); // argsort(perm): where each pixel went
  perm.forEach((p, k) => { inverse[p] = k; });
  widgetRoot(el, "shuffle-explorer");

  const original = canvas(W, H, scale, "the original digit");
  const picture = canvas(W, H, scale, "the digit, shuffled or put back");
  const title = h("div", { style: { fontWeight: "bold", margin: "4px 0" } });
  const info = h("div", { class: "ch-note" });
  const shuffled = new Uint8Array(H * W);
  const back = new Uint8Array(H * W);
  const sum = (a) => a.reduce((s, v) => s + v, 0);
  const sorted = (a) => Uint8Array.from(a).sort();
  const same = (a, b) => a.every((v, i) => v === b[i]);

  const draw = () => {
    const k = Number(digit.input.value);
    const mode = model.get("mode");
    const image = nth(images, k, H * W);
    for (let i = 0; i < perm.length; i++) shuffled[i] = image[perm[i]];
    for (let i = 0; i < perm.length; i++) back[i] = shuffled[inverse[i]];
    const shown = mode === "shuffled" ? shuffled : back;
    paint(original, image, W, H, lut);
    paint(picture, shown, W, H, lut);
    title.textContent = mode + (labels.length ? ` (label ${labels[k]})` : "");
    const fmt = (v) => v.toLocaleString("en-US");
    info.innerHTML = "";
    info.append(
      `Total brightness (sum of all pixels): original ${fmt(sum(image))}, ` +
        `${mode} ${fmt(sum(shown))}. Same histogram of values: ` +
        `${same(sorted(image), sorted(shown)) ? "yes" : "no"}. ` +
        "Identical to the original, pixel for pixel: ",
      h("b", {}, same(image, shown) ? "yes" : "no"), ".",
    );
  };

  const digit = slider(model, "digit", "digit #", { min: 0, max: n - 1, onInput: draw });
  const mode = toggles(model, "mode", ["shuffled", "unshuffled"], "view", draw);
  const first = total > n ? h("span", { class: "ch-note" }, `(the first ${n} of ${total.toLocaleString("en-US")})`) : "";
  el.append(
    h("div", { class: "ch-row" }, digit, first, mode),
    h("div", { class: "ch-row" }, titled("original", original), h("div", {}, title, picture)),
    colourBar(lut, "pixel value"),
    info,
  );
  draw();
}

export default { render };
