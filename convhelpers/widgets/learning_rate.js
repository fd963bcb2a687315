// learning_rate.js: notebook 04b's learning-rate explorer (learning_rate.py), drawn in the page.
// The loss of gradient descent against the step, on a log scale, for the chosen learning rate
// (purple) over the other rates (gray); the kernel after the chosen step beside the hidden one.
// Every rate's kernels and losses were sent once: a step of a slider redraws here, Python is
// never asked. esm() puts draw.js and grids.js in front of this file.

const PURPLE = "#5e3c99", ORANGE = "#E66100", GRAY = "#c4c4c4", INK = "#222";
const CHART = { width: 440, height: 250, left: 58, right: 12, top: 12, bottom: 40 };
const DIVERGED = 1e20; // learn_kernel.DIVERGED: the descent stopped past this times its start

// A loss as text: 3 significant digits, powers of ten when very large or small.
function lossText(v) {
  if (!Number.isFinite(v)) return "∞";
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-4)) return v.toExponential(2);
  return significant(v, 3);
}

// What a whole run did, from its losses (S + 1,): where it stopped (-1: it did not), its
// lowest loss and at which step, and its last loss.
function summarise(losses, S) {
  const start = losses[0];
  let stop = -1, low = 0;
  for (let s = 0; s <= S; s++) {
    if (!(losses[s] <= DIVERGED * start)) { stop = s; break; }
    if (losses[s] < losses[low]) low = s;
  }
  return { start, stop, low, lowest: losses[low], end: stop < 0 ? losses[S] : Infinity };
}

// One sentence on the whole run, from summarise's numbers.
function verdict(run, S) {
  if (run.stop >= 0) {
    return `The loss passed 10²⁰ times its start at step ${run.stop}, so the descent stopped ` +
      "there: it diverged.";
  }
  if (run.low < S && run.end > 10 * run.lowest) {
    return `The loss fell to ${lossText(run.lowest)} at step ${run.low}, then grew: at ` +
      `step ${S} it is ${lossText(run.end / run.lowest)} times that.`;
  }
  const ratio = run.start / run.end;
  if (ratio < 1) return `After ${S} steps the loss is ${lossText(1 / ratio)} times its start.`;
  const part = ratio >= 10 ? Math.round(ratio).toLocaleString("en-US") : ratio.toFixed(1);
  return `After ${S} steps the loss is 1/${part} of its start.`;
}

function render({ model, el }) {
  const rates = model.get("rates");
  const R = rates.length, S = model.get("num_steps");
  const [kh, kw] = model.get("kernel_shape");
  const K = kh * kw;
  const kernels = f32(model.get("kernels")); // (R, S + 1, kh, kw)
  const losses = f32(model.get("losses")); // (R, S + 1)
  const hidden = f32(model.get("hidden")); // (kh, kw) or empty
  const lut = u8(model.get("lut"));
  widgetRoot(el, "learning-rate");

  const runs = rates.map((_, r) => summarise(nth(losses, r, S + 1), S));
  let lowest = Infinity, highest = 0;
  for (const v of losses) if (v > 0 && Number.isFinite(v)) lowest = Math.min(lowest, v);
  for (const run of runs) highest = Math.max(highest, run.start);
  const top = Math.ceil(Math.log10(highest || 1)) + 4; // the plot ends at 10⁴ × the start
  const bottom = Math.max(top - 14, Math.floor(Math.log10(Number.isFinite(lowest) ? lowest : 1e-6)));
  const limit = hidden.length ? hidden.reduce((a, v) => Math.max(a, Math.abs(v)), 0) || 1 : 1;

  // the chart: drawn at the screen's resolution; axes and the gray curves drawn once
  const ratio = window.devicePixelRatio || 1;
  const chart = h("canvas", { role: "img", class: "ch-chart" });
  chart.width = CHART.width * ratio;
  chart.height = CHART.height * ratio;
  Object.assign(chart.style, { width: `${CHART.width}px`, height: `${CHART.height}px` });
  const plot = { x0: CHART.left, x1: CHART.width - CHART.right, y0: CHART.top,
    y1: CHART.height - CHART.bottom };
  const xAt = (s) => plot.x0 + (s / S) * (plot.x1 - plot.x0);
  const yAt = (v) => plot.y1 - ((Math.log10(v) - bottom) / (top - bottom)) * (plot.y1 - plot.y0);
  const curve = (ctx, r, colour, width) => {
    const row = nth(losses, r, S + 1);
    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.x0, plot.y0, plot.x1 - plot.x0, plot.y1 - plot.y0);
    ctx.clip();
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    for (let s = 0; s <= S && Number.isFinite(row[s]); s++) {
      const y = row[s] > 0 ? Math.min(yAt(row[s]), plot.y1 + 5) : plot.y1 + 5;
      if (s === 0) ctx.moveTo(xAt(s), Math.max(y, plot.y0 - 5));
      else ctx.lineTo(xAt(s), Math.max(y, plot.y0 - 5));
    }
    ctx.stroke();
    ctx.restore();
  };
  const background = document.createElement("canvas");
  background.width = chart.width;
  background.height = chart.height;
  {
    const ctx = background.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.fillStyle = "#fff"; // a white chart, readable in the light and the dark theme
    ctx.fillRect(0, 0, CHART.width, CHART.height);
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.font = "11px sans-serif";
    ctx.lineWidth = 1;
    ctx.strokeRect(plot.x0, plot.y0, plot.x1 - plot.x0, plot.y1 - plot.y0);
    const every = Math.ceil((top - bottom) / 8);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let p = bottom; p <= top; p += every) {
      ctx.fillText(`1e${p}`, plot.x0 - 4, yAt(10 ** p));
      ctx.beginPath();
      ctx.moveTo(plot.x0 - 3, yAt(10 ** p));
      ctx.lineTo(plot.x0, yAt(10 ** p));
      ctx.stroke();
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const tick = S >= 200 ? 50 * Math.ceil(S / 400) * 2 : Math.max(1, Math.ceil(S / 5));
    for (let s = 0; s <= S; s += tick) {
      ctx.fillText(String(s), xAt(s), plot.y1 + 4);
      ctx.beginPath();
      ctx.moveTo(xAt(s), plot.y1);
      ctx.lineTo(xAt(s), plot.y1 + 3);
      ctx.stroke();
    }
    ctx.fillText("gradient-descent step", (plot.x0 + plot.x1) / 2, plot.y1 + 20);
    ctx.save();
    ctx.translate(12, (plot.y0 + plot.y1) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText("loss (mean squared error, log)", 0, -6);
    ctx.restore();
    for (let r = 0; r < R; r++) curve(ctx, r, GRAY, 1);
  }

  const kernelGrid = valueTable("kernel", { cell: [44, 30] });
  const hiddenGrid = valueTable("hidden kernel", { cell: [44, 30] });
  const kernelNote = h("div", { class: "ch-note" });
  const legend = colourBar(lut, "kernel value", -limit, limit);
  const stepNote = h("div", { class: "ch-note" });
  const runNote = h("div", { class: "ch-note" });
  if (hidden.length) hiddenGrid.show(hidden, kh, kw, lut, -limit, limit, `hidden kernel (${kh}, ${kw})`);

  const draw = () => {
    const r = Number(rate.input.value), s = Number(step.input.value);
    const lr = rates[r], run = runs[r];
    const shownRate = lr.toFixed(1);
    rate.querySelector(".ch-readout").textContent = shownRate;
    rate.input.setAttribute("aria-valuetext", shownRate);
    const loss = losses[r * (S + 1) + s];
    const ctx = chart.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(background, 0, 0);
    ctx.scale(ratio, ratio);
    curve(ctx, r, PURPLE, 2.5);
    ctx.save();
    ctx.strokeStyle = ORANGE;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(xAt(s), plot.y0);
    ctx.lineTo(xAt(s), plot.y1);
    ctx.stroke();
    if (Number.isFinite(loss) && loss > 0) {
      ctx.setLineDash([]);
      ctx.fillStyle = ORANGE;
      ctx.beginPath();
      ctx.arc(xAt(s), Math.max(plot.y0, Math.min(plot.y1, yAt(loss))), 4.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.restore();
    chart.setAttribute("aria-label", `loss curve at learning rate ${shownRate}; step ${s}: ` +
      `loss ${lossText(loss)}`);

    const kernel = kernels.subarray((r * (S + 1) + s) * K, (r * (S + 1) + s + 1) * K);
    const largest = kernel.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    const caption = `kernel after ${s} step${s === 1 ? "" : "s"} (${kh}, ${kw})`;
    if (kernel.some(Number.isNaN)) {
      kernelGrid.hidden = true;
      kernelNote.textContent = `No kernel after ${s} steps: the descent stopped at step ` +
        `${run.stop}.`;
    } else if (largest >= 1000) {
      kernelGrid.hidden = true;
      kernelNote.textContent = `${caption}: entries up to ±${lossText(largest)}, far off the ` +
        "colour scale.";
    } else {
      kernelGrid.hidden = false;
      kernelNote.textContent = "";
      kernelGrid.show(kernel, kh, kw, lut, -limit, limit, caption);
    }
    stepNote.innerHTML = "";
    if (Number.isFinite(loss)) {
      stepNote.append(`Learning rate ${shownRate}, step ${s}: loss `, h("b", { "data-ch": "loss" },
        lossText(loss)), ` (at step 0: ${lossText(run.start)}).`);
    } else {
      stepNote.append(`Learning rate ${shownRate}, step ${s}: no loss, the descent stopped at ` +
        `step ${run.stop} (the loss at step 0: ${lossText(run.start)}).`);
    }
    runNote.textContent = verdict(run, S);
  };

  const rate = slider(model, "rate", "learning rate", { min: 0, max: R - 1, onInput: draw });
  const step = slider(model, "step", "step", { min: 0, max: S, onInput: draw });
  el.append(
    h("div", { class: "ch-row" }, rate, step),
    h("div", { class: "ch-row" },
      titled("loss against step (purple: this rate; gray: the others)", chart),
      titled("kernels", h("div", { class: "ch-row" },
        h("div", { style: { width: "150px" } }, kernelGrid, kernelNote), // one place, either
        hidden.length ? hiddenGrid : ""), legend)),
    stepNote,
    runNote,
  );
  draw();
}

export default { render };
