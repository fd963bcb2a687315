// brightness_contrast.js: notebook 01's brightness/contrast widget (brightness.py), drawn
// in the page. contrast * pixel + brightness (after 255 - pixel if invert), rounded half to
// even as numpy's rint; stored in uint8 it wraps around, clipped it saturates. Computed here
// from the image sent once (grid_widgets.adjust gives Python the same numbers).
// esm() puts draw.js and grids.js in front of this file.

// numpy's rint: the nearest whole number, halves to the even one.
function rint(v) {
  const r = Math.round(v); // halves go up
  return v - Math.floor(v) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function render({ model, el }) {
  const [H, W] = model.get("shape");
  const scale = model.get("scale");
  const image = u8(model.get("image"));
  const lut = u8(model.get("lut"));
  widgetRoot(el, "brightness-contrast");

  const original = canvas(W, H, scale, "the original image");
  paint(original, image, W, H, lut);
  const wrappedPic = canvas(W, H, scale, "stored in uint8: wraps around");
  const clippedPic = canvas(W, H, scale, "float, clipped to 0-255");
  const info = h("div", { class: "ch-note" });
  const exact = new Float64Array(W * H);
  const wrapped = new Uint8Array(W * H);
  const clipped = new Uint8Array(W * H);
  let brightest = 0; // the brightest pixel, as numpy's argmax finds it
  for (let i = 1; i < image.length; i++) if (image[i] > image[brightest]) brightest = i;

  const draw = () => {
    const b = Number(brightness.input.value);
    const c = Number(contrast.input.value);
    const inv = invert.checked;
    let outside = 0;
    for (let i = 0; i < image.length; i++) {
      const e = rint(c * (inv ? 255 - image[i] : image[i]) + b);
      exact[i] = e;
      wrapped[i] = ((e % 256) + 256) % 256; // what uint8 keeps: the value mod 256
      clipped[i] = Math.max(0, Math.min(255, e));
      if (e < 0 || e > 255) outside++;
    }
    paint(wrappedPic, wrapped, W, H, lut);
    paint(clippedPic, clipped, W, H, lut);
    const k = brightest;
    const r = Math.floor(k / W);
    info.innerHTML = "";
    info.append(
      `Brightest pixel (${r}, ${k % W}): ${image[k]} → exact result ${exact[k]}, ` +
        "stored in uint8 without clipping ",
      h("b", {}, String(wrapped[k])), ", clipped ", h("b", {}, String(clipped[k])),
      `. ${outside} of ${image.length} pixels fall outside 0–255 and wrap around in uint8.`,
    );
  };

  const brightness = slider(model, "brightness", "brightness",
    { min: -255, max: 255, onInput: draw });
  const contrast = slider(model, "contrast", "contrast",
    { min: 0, max: 3, step: 0.1, onInput: draw });
  const invert = h("input", { type: "checkbox", "aria-label": "invert (255 − pixel)" });
  invert.checked = model.get("invert");
  invert.addEventListener("change", () => {
    draw();
    model.set("invert", invert.checked);
    model.save_changes();
  });
  model.on("change:invert", () => {
    if (invert.checked !== model.get("invert")) { invert.checked = model.get("invert"); draw(); }
  });
  el.append(
    h("div", { class: "ch-row" }, brightness, contrast,
      h("label", { class: "ch-control" }, invert, "invert (255 − pixel)")),
    h("div", { class: "ch-row" },
      titled("original", original),
      titled("uint8, wraps around ❌", wrappedPic),
      titled("float, clipped to 0–255 ✅", clippedPic)),
    colourBar(lut, "pixel value"),
    info,
  );
  draw();
}

export default { render };
