"""Learn a kernel from examples: the best kernel by least squares, or by gradient descent.

If ``targets[n] = conv2d(images[n], hidden)`` for some unknown kernel, gradient
descent on the mean squared error finds ``hidden`` again. The gradient is itself
a cross-correlation: dLoss/dkernel = 2/M * sum over n of conv2d(images[n], residual[n]),
where residual = conv2d(images, kernel) - targets and M counts the output values;
here every patch of every image is one row of a matrix, so each step is two matrix products.

    kernel, error = least_squares_kernel(images, targets)   # solved in one go
    loss, gradient = kernel_gradient(images, targets, kernel)
    kernels, losses = kernel_descent(images, targets, lr=1.0, num_steps=300)  # every step
    kernel, losses = learn_kernel(images, targets, lr=1.0, num_steps=300)     # the last one
"""

import numpy as np

from ._validate import as_int, as_numeric_array
from .conv import sliding_windows

__all__ = ["DIVERGED", "kernel_descent", "kernel_gradient", "learn_kernel", "least_squares_kernel"]

DIVERGED = 1e20  # kernel_descent stops once the loss is this many times its start


def _patch_rows(images, targets) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """images (N, H, W), targets (N, Ho, Wo) -> patches (N*Ho*Wo, kh*kw), wanted (N*Ho*Wo,),
    and the kernel shape (kh, kw) = (H - Ho + 1, W - Wo + 1), all float64."""
    images = as_numeric_array(images, "images", ndim=3).astype(np.float64)
    targets = as_numeric_array(targets, "targets", ndim=3).astype(np.float64)
    if targets.shape[0] != images.shape[0]:
        raise ValueError(
            f"images and targets need one entry each, got {len(images)} and {len(targets)}"
        )
    kh, kw = (images.shape[1] - targets.shape[1] + 1, images.shape[2] - targets.shape[2] + 1)
    if kh < 1 or kw < 1:
        raise ValueError(
            f"targets {targets.shape[1:]} must be smaller than images {images.shape[1:]}"
        )
    # one row per output value (n, i, j), holding the kh*kw pixels under the kernel there
    patches = sliding_windows(images, kh, kw).reshape(-1, kh * kw)  # (N*Ho*Wo, kh*kw), a copy
    return patches, targets.ravel(), (kh, kw)


def least_squares_kernel(images, targets) -> tuple[np.ndarray, float]:
    """The kernel whose conv2d comes closest to the targets: the smallest mean squared error.

    images: (N, H, W), targets: (N, Ho, Wo) -> kernel float64 (H - Ho + 1, W - Wo + 1) and
    its relative error, sqrt(mean squared error / mean of targets**2): 0 when some kernel
    makes the targets exactly, 1 when the best it can do is a kernel of zeros.
    """
    patches, wanted, shape = _patch_rows(images, targets)
    kernel, *_ = np.linalg.lstsq(patches, wanted, rcond=None)  # (kh*kw,)
    scale = np.mean(wanted**2)
    error = np.mean((patches @ kernel - wanted) ** 2)
    return kernel.reshape(shape), float(np.sqrt(error / scale)) if scale > 0 else 0.0


def _loss_and_gradient(patches, wanted, kernel) -> tuple[float, np.ndarray]:
    """patches (M, kh*kw), wanted (M,), kernel (kh*kw,) -> the loss and its gradient (kh*kw,)."""
    residual = patches @ kernel - wanted  # conv2d of every image, minus the targets: (M,)
    # dLoss/dkernel[a, b] = 2/M * sum of residual[n, i, j] * images[n, i + a, j + b]
    return float(np.mean(residual**2)), 2 / residual.size * (residual @ patches)


def kernel_gradient(images, targets, kernel) -> tuple[float, np.ndarray]:
    """The loss of a kernel and its gradient: how fast the loss grows with each kernel entry.

    images: (N, H, W), targets: (N, Ho, Wo), kernel: (H - Ho + 1, W - Wo + 1) ->
    loss, the mean squared error of conv2d(images[n], kernel) against targets[n] (a float),
    and its gradient, float64 of the kernel's shape.
    """
    patches, wanted, shape = _patch_rows(images, targets)
    kernel = as_numeric_array(kernel, "kernel", ndim=2).astype(np.float64)
    if kernel.shape != shape:
        raise ValueError(
            f"kernel must have shape {shape} for these images and targets, got {kernel.shape}"
        )
    loss, gradient = _loss_and_gradient(patches, wanted, kernel.ravel())
    return loss, gradient.reshape(shape)


def kernel_descent(
    images, targets, *, lr: float = 0.5, num_steps: int = 300
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient descent from a kernel of zeros: every kernel on the way and its loss.

    images: (N, H, W), targets: (N, Ho, Wo) -> kernels float64 (num_steps + 1, kh, kw), the
    kernel before step 0, 1, ... and after the last, and losses float64 (num_steps + 1,),
    their mean squared errors. lr is the learning rate (too large and the loss grows).
    Once the loss passes DIVERGED (1e20) times its start the descent stops there: the
    later kernels are NaN and their losses inf.
    """
    patches, wanted, (kh, kw) = _patch_rows(images, targets)
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.integer, np.floating)):
        raise TypeError(f"lr must be a number, got {lr!r} ({type(lr).__name__})")
    if not 0 < lr < np.inf:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    num_steps = as_int(num_steps, "num_steps", 1)
    kernels = np.full((num_steps + 1, kh * kw), np.nan)
    losses = np.full(num_steps + 1, np.inf)
    kernel = np.zeros(kh * kw)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging loss may overflow: inf
        for step in range(num_steps + 1):
            losses[step], gradient = _loss_and_gradient(patches, wanted, kernel)
            kernels[step] = kernel
            if not losses[step] <= DIVERGED * losses[0]:
                break  # diverged (or overflowed): the later kernels stay NaN, losses inf
            kernel = kernel - lr * gradient
    return kernels.reshape(num_steps + 1, kh, kw), losses


def learn_kernel(
    images, targets, *, lr: float = 0.5, num_steps: int = 300
) -> tuple[np.ndarray, np.ndarray]:
    """Find the kernel whose conv2d turns images into targets, starting from zeros.

    images: (N, H, W), targets: (N, Ho, Wo) -> kernel float64 (H - Ho + 1, W - Wo + 1)
    and losses float64 (num_steps,): the mean squared error before each step.
    lr is the learning rate (too large and the loss grows: try a smaller one; a kernel
    of NaN means the loss grew past DIVERGED times its start, see kernel_descent).
    """
    kernels, losses = kernel_descent(images, targets, lr=lr, num_steps=num_steps)
    return kernels[-1], losses[:-1]
