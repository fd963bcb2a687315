"""Notebook 04b's learning-rate explorer: gradient descent on a kernel, at many learning rates.

    w = learning_rate_explorer(images, targets, hidden)   # drawn by learning_rate.js
    w.rate, w.step = 14, 40        # learning rate w.rates[14], after 40 steps
    w.lr, w.kernel, w.loss         # what the page shows: the rate, the kernel (kh, kw), its loss

Every learning rate's descent (kernel_descent) is run here, once, and sent as float32;
the page draws the loss curves and the kernel for the chosen rate and step by itself.
"""

import anywidget
import numpy as np
from traitlets import Bytes, Float, Int, List, validate

from .._validate import as_int, as_numeric_array
from ..learn_kernel import kernel_descent
from .base import esm, f32_bytes, lut_bytes
from .common import check_size, in_range

__all__ = ["RATES", "LearningRateExplorer", "learning_rate_explorer"]

RATES = tuple(round(0.1 * k, 1) for k in range(1, 21))  # 0.1, 0.2, ..., 2.0
FLOAT32_MAX = float(np.finfo(np.float32).max)


class LearningRateExplorer(anywidget.AnyWidget):
    """The loss curve and the kernel of gradient descent, for the chosen rate and step.

    State: ``rate`` (an index into ``rates``), ``step`` (0..num_steps). Shown: ``lr``,
    ``kernel`` (kh, kw), ``loss``. Data: ``kernels`` float32 (R, num_steps + 1, kh, kw)
    and ``losses`` float32 (R, num_steps + 1), kernel_descent's for each of the R rates
    (NaN kernels and inf losses once it stopped, diverged); ``hidden`` float32 (kh, kw),
    the kernel to find, or empty. Built by :func:`learning_rate_explorer`.
    """

    _esm = esm("grids.js", "learning_rate.js")
    rates = List(Float()).tag(sync=True)  # R learning rates, increasing
    num_steps = Int(1).tag(sync=True)
    kernel_shape = List(Int()).tag(sync=True)  # [kh, kw]
    kernels = Bytes().tag(sync=True)  # float32 (R, num_steps + 1, kh, kw)
    losses = Bytes().tag(sync=True)  # float32 (R, num_steps + 1)
    hidden = Bytes().tag(sync=True)  # float32 (kh, kw), or b"" when there is none to show
    lut = Bytes().tag(sync=True)  # 768 bytes: blue negative, white 0, red positive
    rate = Int(0).tag(sync=True)
    step = Int(0).tag(sync=True)

    @validate("rate")
    def _check_rate(self, proposal):
        return in_range(proposal["value"], "rate", 0, len(self.rates) - 1)

    @validate("step")
    def _check_step(self, proposal):
        return in_range(proposal["value"], "step", 0, self.num_steps)

    def _table(self, data: bytes, size: int) -> np.ndarray:
        """data (R, num_steps + 1, size) as float32."""
        return np.frombuffer(data, "<f4").reshape(len(self.rates), self.num_steps + 1, size)

    @property
    def lr(self) -> float:
        """The learning rate shown."""
        return self.rates[self.rate]

    @property
    def kernel(self) -> np.ndarray:
        """The kernel after `step` steps at this learning rate, float32 (kh, kw)."""
        kh, kw = self.kernel_shape
        return self._table(self.kernels, kh * kw)[self.rate, self.step].reshape(kh, kw)

    @property
    def loss(self) -> float:
        """That kernel's mean squared error (inf once the descent stopped, diverged)."""
        return float(self._table(self.losses, 1)[self.rate, self.step, 0])


def learning_rate_explorer(
    images, targets, hidden=None, *, rates=RATES, num_steps: int = 300, lr: float = 1.0
) -> LearningRateExplorer:
    """Drag the learning rate and the step: the loss curve and the kernel of gradient descent.

    images (N, H, W), targets (N, Ho, Wo): as for learn_kernel; hidden (kh, kw) or None:
    the kernel that made the targets, shown beside the learned one. rates: increasing
    positive learning rates (default 0.1, 0.2, ..., 2.0); the widget starts at the one
    closest to lr, after the last step.
    """
    rates = as_numeric_array(rates, "rates", ndim=1).astype(np.float64)
    if not (rates > 0).all() or not (np.diff(rates) > 0).all():
        raise ValueError(f"rates must be positive and increasing, got {rates.tolist()}")
    num_steps = as_int(num_steps, "num_steps", 1)
    kernels, losses = zip(
        *(kernel_descent(images, targets, lr=float(r), num_steps=num_steps) for r in rates),
        strict=True,
    )
    kernels, losses = np.stack(kernels), np.stack(losses)  # (R, S + 1, kh, kw), (R, S + 1)
    kh, kw = kernels.shape[2:]
    check_size(kernels.nbytes // 2 + losses.nbytes // 2, "rates", "pass fewer rates or steps")
    if hidden is not None:
        hidden = as_numeric_array(hidden, "hidden", ndim=2)
        if hidden.shape != (kh, kw):
            raise ValueError(f"hidden must have the kernel's shape {(kh, kw)}, got {hidden.shape}")
    # float32 holds up to 3.4e38: larger values go as that (NaN and inf stay)
    losses = np.where(np.isfinite(losses), np.minimum(losses, FLOAT32_MAX), losses)
    return LearningRateExplorer(
        rates=[float(r) for r in rates],
        num_steps=num_steps,
        kernel_shape=[kh, kw],
        kernels=f32_bytes(np.clip(kernels, -FLOAT32_MAX, FLOAT32_MAX)),
        losses=f32_bytes(losses),
        hidden=b"" if hidden is None else f32_bytes(hidden),
        lut=lut_bytes("RdBu_r"),
        rate=int(np.argmin(np.abs(rates - lr))),
        step=num_steps,
    )
