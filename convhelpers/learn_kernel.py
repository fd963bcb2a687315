"""Learn a kernel from examples: gradient descent on the squared error of conv2d's output.

If ``targets[n] = conv2d(images[n], hidden)`` for some unknown kernel, gradient
descent on the mean squared error finds ``hidden`` again. The gradient is itself
a cross-correlation: dLoss/dkernel = 2/M * sum over n of conv2d(images[n], residual[n]),
where residual = conv2d(images, kernel) - targets and M counts the output values;
here every patch of every image is one row of a matrix, so each step is two matrix products.
"""

import numpy as np

from ._validate import as_int, as_numeric_array
from .conv import sliding_windows

__all__ = ["learn_kernel"]


def learn_kernel(
    images, targets, *, lr: float = 0.5, num_steps: int = 300
) -> tuple[np.ndarray, np.ndarray]:
    """Find the kernel whose conv2d turns images into targets, starting from zeros.

    images: (N, H, W), targets: (N, Ho, Wo) -> kernel float64 (H - Ho + 1, W - Wo + 1)
    and losses float64 (num_steps,): the mean squared error before each step.
    lr is the learning rate (too large and the loss grows: try a smaller one).
    """
    images = as_numeric_array(images, "images", ndim=3).astype(np.float64)
    targets = as_numeric_array(targets, "targets", ndim=3).astype(np.float64)
    num_steps = as_int(num_steps, "num_steps", 1)
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
    wanted = targets.ravel()  # (N*Ho*Wo,)
    kernel = np.zeros(kh * kw)
    losses = np.empty(num_steps)
    for step in range(num_steps):
        residual = patches @ kernel - wanted  # conv2d of every image, minus the targets
        losses[step] = np.mean(residual**2)
        # dLoss/dkernel[a, b] = 2/M * sum of residual[n, i, j] * images[n, i + a, j + b]
        kernel -= lr * 2 / residual.size * (residual @ patches)
    return kernel.reshape(kh, kw), losses
