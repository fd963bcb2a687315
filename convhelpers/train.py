"""Training: optimisers, the training loop ``fit`` with live curves, and checks.

    model = small_cnn(seed=0)
    history = fit(model, X_train, y_train, X_val=X_test, y_val=y_test)
    accuracy(model, X_test, y_test)

``fit``'s defaults are the recipe notebook 05 uses.
"""

import copy
import ctypes
import functools
import math
import numbers
import os
import platform
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ._validate import as_int, as_numeric_array
from .conv import sliding_windows
from .losses import softmax_cross_entropy
from .models import Sequential
from .nn import blas_threads
from .render import png_bytes

__all__ = [
    "SGD",
    "Adam",
    "LiveCurves",
    "accuracy",
    "fit",
    "gradient_check",
    "keep_freed_memory",
    "train_step",
    "usable_cpus",
]


class SGD:
    """Stochastic gradient descent with momentum: v = momentum*v - lr*grad; param += v.

    weight_decay adds weight_decay * w to the gradient of every weight array "w"
    (L2 regularisation: it pulls weights towards 0; biases "b" are left alone).
    """

    def __init__(self, lr: float = 0.05, momentum: float = 0.9, weight_decay: float = 0.0):
        self.lr, self.momentum = float(lr), float(momentum)
        self.weight_decay = float(weight_decay)
        self.velocity: dict = {}

    def step(self, model: Sequential) -> None:
        """Update every parameter of ``model`` in place from its layers' ``grads``."""
        for i, layer in enumerate(model.layers):
            for name, param in layer.params.items():
                v = self.velocity.setdefault((i, name), np.zeros_like(param))
                v *= self.momentum
                v -= self.lr * layer.grads[name]
                if self.weight_decay and name == "w":
                    v -= (self.lr * self.weight_decay) * param
                param += v


class Adam:
    """Adam: steps scaled by running averages of the gradient and of its square."""

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = float(lr), beta1, beta2, eps
        self.moments: dict = {}
        self.t = 0

    def step(self, model: Sequential) -> None:
        """Update every parameter of ``model`` in place from its layers' ``grads``."""
        self.t += 1
        # Bias correction folded into the step size (the averages start at zero).
        scale = self.lr * math.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        for i, layer in enumerate(model.layers):
            for name, param in layer.params.items():
                grad = layer.grads[name]
                m, v = self.moments.setdefault(
                    (i, name), (np.zeros_like(param), np.zeros_like(param))
                )
                m += (1 - self.beta1) * (grad - m)
                v += (1 - self.beta2) * (grad * grad - v)
                param -= scale * m / (np.sqrt(v) + self.eps)


def gradient_check(f, x: np.ndarray, df: np.ndarray, *, h: float = 1e-5) -> float:
    """Compare an analytic gradient with centred differences; return the relative error.

    f: a function of the array x returning a number (an array is summed);
    df: your gradient of f at x, the same shape as x. Each entry of x is moved
    by ±h in turn (and put back): numeric = (f(x + h) - f(x - h)) / (2h).
    Returns |numeric - df| / (|numeric| + |df|) over the whole array (Euclidean
    norms); below 1e-6 in float64 means the gradient is right.
    """
    x = np.asarray(x)
    df = np.asarray(df)
    if x.shape != df.shape:
        raise ValueError(f"df must have the shape of x {x.shape}, got {df.shape}")
    numeric = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = float(np.sum(f(x)))
        x[idx] = old - h
        minus = float(np.sum(f(x)))
        x[idx] = old
        numeric[idx] = (plus - minus) / (2 * h)
    num = np.linalg.norm(numeric - df)
    den = np.linalg.norm(numeric) + np.linalg.norm(df)
    return float(num / den) if den > 0 else 0.0


def train_step(
    model: Sequential, optimizer, X_batch, y_batch, *, cores: int | None = None
) -> tuple[float, np.ndarray]:
    """One step of training: forward, loss, backward, update. Returns (loss, scores (N, 10)).

    X_batch: float32 (N, C, H, W) images, y_batch: (N,) labels. cores=2 runs the
    two halves of the batch at the same time, one per core (see
    _gradients_on_two_cores); cores=1 runs the whole batch on this thread; None
    (the default, as in fit) takes 2 when usable_cpus() > 1. The result is the
    same up to rounding.
    """
    keep_freed_memory()
    if cores is None:
        cores = 2 if usable_cpus() > 1 else 1
    elif cores not in (1, 2):
        raise ValueError(f"cores must be None, 1 or 2, got {cores!r}")
    with blas_threads():  # see convhelpers.nn.BLAS_THREADS
        if cores == 2 and len(X_batch) > 1:
            loss, scores = _gradients_on_two_cores(model, X_batch, y_batch)
        else:
            scores = model.forward(X_batch)
            loss, dscores = softmax_cross_entropy(scores, y_batch)
            model.backward(dscores)
        optimizer.step(model)
    return loss, scores


# --- using the machine: memory, and both cores --------------------------------


@functools.cache
def keep_freed_memory() -> bool:
    """Let glibc's malloc keep freed memory for the next step instead of returning it.

    A training step allocates and frees some 25 MB of arrays. By default glibc hands
    part of it back to the system at once, and the next step faults it in again page
    by page: 400-900 page faults a step, 10-15 % of its time. Done once per process,
    with glibc only (Linux); returns whether it was done.
    """
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    kept = libc.mallopt(m_trim_threshold, 64 << 20)  # keep up to 64 MB free for reuse
    kept &= libc.mallopt(m_mmap_threshold, 32 << 20)  # arrays below 32 MB from that pool
    return bool(kept)


# Both cores: one half of the batch on each.
# The loss of a batch is the mean over its images, so its gradient is the sum of
# the two halves' gradients, each weighted by its share of the images. Two copies
# of the model that share the parameter arrays (but keep their own caches and
# grads) can take one half each, on two threads at once: numpy lets go of
# Python's lock (the GIL) inside matrix products and element-wise loops, so the
# threads really run side by side. Each uses one BLAS thread (nn.BLAS_THREADS),
# so no thread ever spins waiting for another; a busy core just slows one half.
# This is the only place in convhelpers that starts a thread.

_helpers: list = []  # the one helper thread, started on first use
_twins = weakref.WeakKeyDictionary()  # model -> its twin for the second half


def usable_cpus() -> int:
    """CPUs this process may use: its CPU affinity (1 under ``taskset -c 0``), capped by
    a container's CPU quota (cgroups; a mybinder.org pod has 1)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cpus = os.cpu_count() or 1
    return min(cpus, _cpu_quota())


@functools.cache
def _cpu_quota() -> int:
    """Whole CPUs allowed by the cgroup quota (v2 cpu.max, v1 cfs_quota_us); 1024 if none."""
    v1 = "/sys/fs/cgroup/cpu/cpu.cfs_"
    for files in (["/sys/fs/cgroup/cpu.max"], [v1 + "quota_us", v1 + "period_us"]):
        try:
            words = [word for name in files for word in Path(name).read_text().split()]
        except OSError:
            continue
        quota, period = words[0], words[-1]  # "max 100000", "50000 100000"; v1: "-1", "100000"
        if quota not in ("max", "-1"):
            return max(1, int(quota) // int(period))
    return 1024


def _twin(model: Sequential) -> Sequential:
    """A copy of model sharing its parameter arrays, with caches and grads of its own.

    Kept from step to step (memory is then reused instead of handed back to the
    system and faulted in again: 3x faster), rebuilt when model's layers change.
    """
    twin = _twins.get(model)
    layers = [id(layer.params) for layer in model.layers]
    if twin is None or [id(layer.params) for layer in twin.layers] != layers:
        twin = copy.copy(model)
        twin.layers = [copy.copy(layer) for layer in model.layers]
        for layer in twin.layers:
            layer.cache, layer.grads = None, {}
        _twins[model] = twin
    return twin


def _gradients_on_two_cores(model: Sequential, X_batch, y_batch) -> tuple[float, np.ndarray]:
    """model.grads for the batch, computed half on this thread, half on a helper thread."""
    if not _helpers:
        _helpers.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="convhelpers"))
    n = len(X_batch)
    half = n // 2
    twin = _twin(model)

    def forward_backward(net, images, labels):
        scores = net.forward(images)
        loss, dscores = softmax_cross_entropy(scores, labels)
        net.backward(dscores * (len(images) / n))  # this half's share of the batch mean
        return loss, scores

    second = _helpers[0].submit(forward_backward, twin, X_batch[half:], y_batch[half:])
    loss_a, scores_a = forward_backward(model, X_batch[:half], y_batch[:half])
    loss_b, scores_b = second.result()
    for layer, twin_layer in zip(model.layers, twin.layers, strict=True):
        for name, grad in twin_layer.grads.items():
            layer.grads[name] += grad
    loss = (half * loss_a + (n - half) * loss_b) / n
    return loss, np.concatenate([scores_a, scores_b])


def accuracy(model: Sequential, X, y) -> float:
    """Fraction of images X (N, 28, 28) whose predicted class equals y (N,)."""
    return float(np.mean(model.predict(X) == np.asarray(y)))


def _random_shifts(images: np.ndarray, max_shift: int, rng) -> np.ndarray:
    """Move each image by its own random (dy, dx) in -max_shift..max_shift, zero fill.

    images: (N, C, H, W) -> a new array of the same shape.
    """
    s = max_shift
    padded = np.pad(images, ((0, 0), (0, 0), (s, s), (s, s)))  # (N, C, H+2s, W+2s)
    h, w = images.shape[2:]
    crops = sliding_windows(padded, h, w)  # (N, C, 2s+1, 2s+1, H, W), a view
    n = len(images)
    dy, dx = rng.integers(0, 2 * s + 1, size=(2, n))
    return crops[np.arange(n), :, dy, dx]  # (N, C, H, W)


def _lr_at(step: int, total: int, lr: float, warmup: float) -> float:
    """One-cycle schedule: linear warm-up over the first ``warmup`` fraction, then cosine to 0."""
    rise = max(1, int(warmup * total))
    if step < rise:
        return lr * (step + 1) / rise
    return lr * 0.5 * (1 + math.cos(math.pi * (step - rise) / max(1, total - rise)))


def fit(
    model: Sequential,
    X,
    y,
    *,
    num_epochs: int = 18,  # the recipe tools/choose_recipe.py chose on validation digits
    batch_size: int = 128,
    lr: float = 0.05,
    optimizer: str = "sgd",
    weight_decay: float = 0.0,
    augment: int = 2,
    warmup: float = 0.1,
    seed: int = 0,
    X_val=None,
    y_val=None,
    live=True,
    plot_every: int = 50,
) -> dict:
    """Train ``model`` on images X (N, 28, 28) or (N, C, H, W) with labels y (N,); return history.

    The defaults are the recipe tools/choose_recipe.py picked on the validation
    digits (never the test digits) for small_cnn, global_pool_cnn and the MLP
    alike: 18 epochs of 128 images, momentum SGD at 0.05 (0.1 made the deeper
    global_pool_cnn diverge for one seed in three).

    Mini-batches of ``batch_size`` in a new random order every epoch; each image
    moved by a random shift of up to ``augment`` pixels (0 for none); the
    learning rate rises to ``lr`` over the first ``warmup`` of the steps, then
    falls to 0 along a cosine. ``optimizer`` is "sgd" (momentum 0.9), "adam",
    or an object with ``.lr`` and ``.step(model)``; ``weight_decay`` (for "sgd"
    only, 0 by default: it lost on the validation digits) pulls weights to 0.

    live=True shows a progress bar and loss/accuracy curves redrawn every
    ``plot_every`` batches (pass a :class:`LiveCurves` to keep hold of them).
    The history has per-epoch lists "loss" (mean batch loss), "train_acc"
    (fraction of the epoch's shifted training batches classified right while
    training), "val_acc" (on X_val, y_val after the epoch, if given) and
    "epoch_seconds" (training only), and the per-batch list "batch_loss".
    """
    X = as_numeric_array(X, "X")
    y = _labels(y, len(X), "y")
    num_epochs = as_int(num_epochs, "num_epochs", 1)
    batch_size = as_int(batch_size, "batch_size", 1)
    augment = as_int(augment, "augment", 0)
    plot_every = as_int(plot_every, "plot_every", 1)
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not lr > 0:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    if X_val is not None:
        X_val = model._as_input(as_numeric_array(X_val, "X_val")).astype(np.float32, copy=False)
        y_val = _labels(y_val, len(X_val), "y_val")
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, numbers.Real):
        raise TypeError(f"weight_decay must be a number, got {weight_decay!r}")
    if not weight_decay >= 0:
        raise ValueError(f"weight_decay must be 0 or more, got {weight_decay!r}")
    opt = _make_optimizer(optimizer, lr, weight_decay)
    model._as_input(X[:1])  # checks X's shape now; batches are converted to float32 one by one
    num_classes = model.scores(X[:1]).shape[1]
    for labels, name in ((y, "y"), (y_val, "y_val")):
        if labels is not None and (labels.min() < 0 or labels.max() >= num_classes):
            raise ValueError(f"{name} must hold classes 0 to {num_classes - 1}")
    rng = np.random.default_rng(seed)
    steps_per_epoch = -(-len(X) // batch_size)
    total = num_epochs * steps_per_epoch
    curves = _make_live(live, total, num_epochs)
    history = {"loss": [], "train_acc": [], "val_acc": [], "epoch_seconds": [], "batch_loss": []}
    with blas_threads():  # see convhelpers.nn.BLAS_THREADS
        for epoch in range(num_epochs):
            start = time.perf_counter()
            order = rng.permutation(len(X))
            correct = 0
            for b in range(steps_per_epoch):
                idx = order[b * batch_size : (b + 1) * batch_size]
                xb = model._as_input(X[idx]).astype(np.float32, copy=False)  # (B, C, H, W)
                if augment:
                    xb = _random_shifts(xb, augment, rng)
                opt.lr = _lr_at(epoch * steps_per_epoch + b, total, lr, warmup)
                loss, scores = train_step(model, opt, xb, y[idx])
                correct += int((scores.argmax(axis=1) == y[idx]).sum())
                history["batch_loss"].append(loss)
                if curves is not None and (len(history["batch_loss"]) % plot_every == 0):
                    curves.update(history)
            history["epoch_seconds"].append(time.perf_counter() - start)
            history["loss"].append(float(np.mean(history["batch_loss"][-steps_per_epoch:])))
            history["train_acc"].append(correct / len(X))
            if X_val is not None:
                history["val_acc"].append(float(np.mean(model.predict(X_val) == y_val)))
            if curves is not None:
                curves.update(history)
    return history


def _labels(y, n: int, name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"{name} must be {n} integer labels, shape ({n},); got {y.dtype} {y.shape}"
        )
    return y


def _make_optimizer(optimizer, lr, weight_decay=0.0):
    if optimizer == "sgd":
        return SGD(lr, weight_decay=weight_decay)
    if weight_decay:
        raise ValueError('weight_decay works with optimizer="sgd" only; leave it at 0')
    if optimizer == "adam":
        return Adam(lr)
    if hasattr(optimizer, "step") and hasattr(optimizer, "lr"):
        return optimizer
    raise ValueError(f'optimizer must be "sgd", "adam" or an optimiser object, got {optimizer!r}')


def _make_live(live, total_batches, num_epochs):
    if live is False or live is None:
        return None
    if live is True:
        from IPython.display import display

        curves = LiveCurves(total_batches, num_epochs)
        display(curves.widget)
        return curves
    if isinstance(live, LiveCurves):
        live.reset(total_batches, num_epochs)
        return live
    raise TypeError(f"live must be True, False or a LiveCurves, got {live!r}")


class LiveCurves:
    """A progress bar and loss/accuracy curves, built once and updated in place.

    ``widget`` (an ipywidgets VBox) holds an IntProgress, an HTML status line
    and an Image; ``update(history)`` moves the bar and redraws one reused
    matplotlib figure into the Image as PNG bytes (no new figure, ever).
    """

    WINDOW = 20  # the loss curve is the mean of the last WINDOW batches

    def __init__(self, total_batches: int = 1, num_epochs: int = 1):
        import ipywidgets as widgets
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        self.progress = widgets.IntProgress(min=0, max=1, description="training")
        self.status = widgets.HTML("")
        self.image = widgets.Image(format="png")
        self.widget = widgets.VBox([widgets.HBox([self.progress, self.status]), self.image])
        self.figure = Figure(figsize=(9, 3.2), dpi=80, layout="constrained")
        FigureCanvasAgg(self.figure)  # a bare Figure needs a canvas to render PNGs
        ax_loss, ax_acc = self.axes = self.figure.subplots(1, 2)
        (self.loss_line,) = ax_loss.plot([], [], color="#0072B2")
        ax_loss.set(
            title=f"Training loss (mean of the last {self.WINDOW} batches)",
            xlabel="epoch",
            ylabel="cross-entropy",
        )
        (self.train_line,) = ax_acc.plot([], [], "o-", color="#E69F00", label="training batches")
        (self.val_line,) = ax_acc.plot([], [], "s-", color="#009E73", label="validation")
        ax_acc.set(title="Accuracy after each epoch", xlabel="epoch", ylabel="accuracy (0–1)")
        ax_acc.legend(loc="lower right")
        for ax in self.axes:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
        self.redraws = 0
        self.reset(total_batches, num_epochs)
        ax_loss.set_ylim(0, 2.5)
        self.figure.canvas.draw()  # lay the figure out once ...
        self.figure.set_layout_engine("none")  # ... then keep it: redraws are 2x faster

    def reset(self, total_batches: int, num_epochs: int) -> None:
        """Start again for a run of ``num_epochs`` epochs, ``total_batches`` batches in all."""
        self.progress.max = total_batches
        self.progress.value = 0
        self.status.value = ""
        self.steps_per_epoch = total_batches / num_epochs
        for ax in self.axes:
            ax.set_xlim(0, num_epochs + 0.1)

    def update(self, history: dict) -> None:
        """Show the progress of ``history`` (see :func:`fit`): bar, status line, curves."""
        losses = np.asarray(history["batch_loss"])
        self.progress.value = len(losses)
        # Mean of the last WINDOW losses at every batch (fewer at the start).
        totals = np.cumsum(losses)
        shifted = np.concatenate([np.zeros(self.WINDOW), totals])[: len(losses)]
        counts = np.minimum(np.arange(1, len(losses) + 1), self.WINDOW)
        smooth = (totals - shifted) / counts
        self.loss_line.set_data(np.arange(1, len(losses) + 1) / self.steps_per_epoch, smooth)
        epochs = np.arange(1, len(history["train_acc"]) + 1)
        self.train_line.set_data(epochs, history["train_acc"])
        self.val_line.set_data(epochs[: len(history["val_acc"])], history["val_acc"])
        ax_loss, ax_acc = self.axes
        ax_loss.set_ylim(0, 1.05 * smooth.max())
        accs = history["train_acc"] + history["val_acc"]
        if accs:
            ax_acc.set_ylim(min(accs) - 0.02, 1.0)
        text = f"epoch {len(losses) / self.steps_per_epoch:.1f} · loss {smooth[-1]:.3f}"
        if history["val_acc"]:
            text += f" · validation accuracy {history['val_acc'][-1]:.3f}"
        self.status.value = text
        self.figure.canvas.draw()
        rgb = np.asarray(self.figure.canvas.buffer_rgba())[:, :, :3]  # (H, W, 3) uint8
        self.image.value = png_bytes(np.ascontiguousarray(rgb))
        self.redraws += 1
