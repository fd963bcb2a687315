"""convhelpers: the small package every notebook of the convolution course imports.

    import convhelpers as ch
    X, y = ch.load_digits()            # uint8 (10000, 28, 28), int64 (10000,)
    ch.conv2d(X[0], ch.get_kernel("sobel x"))

Importing it changes nothing global: no seeds, no matplotlib settings.

Where things live (each file is written to be read):
    data.py, images.py          the digits, the photo, the split; shift and permute pixels
    conv.py                     conv2d (fast) and conv2d_naive (loops), named kernels
    render.py, plotting.py      fast widget pictures; labelled matplotlib figures
    checks.py                   report, call_learner, check_array: what every exercise check
                                (✅/❌ with a hint, never raises) is built on; 00's checks
    checks_pixels.py            01-03: the exercise checks
    checks_conv.py              04-04b: the exercise checks
    _conv2d_diagnosis.py        04: what a learner's wrong conv2d got wrong (used by checks_conv.py)
    checks_cnn.py               05-06: the exercise checks
    checks_inside.py            07: the exercise checks
    setup_check.py              00: versions and a slider that proves widgets work
    linear.py, experiments.py   01-03: the flattened model, permutation and shift experiments
    grid_widgets.py, grid_figures.py   01-03: image arithmetic (adjust); figures
    widgets/                    the live widgets (Python class + .js file each)
    widgets/explorer.py         04: the KernelExplorer
    learn_kernel.py, widgets/learning_rate.py   04-04b: learning a kernel; the learning rate
    nn.py, models.py, train.py  05: layers (forward/backward), networks, training
    gradcheck.py                05: every layer's backward pass against finite differences
    inspect_cnn.py, canvas.py   05-06: looking inside a CNN; what convolution buys
    local.py                    06: the locally connected layer (windows without weight sharing)
    compare.py                  06: parameters by kind of layer, what the head reads, training ink
    pretrained.py               06-07: the shipped trained models and their recipes
    receptive.py                07: receptive fields; the patches that excite a channel most
    widgets/receptive_field.py  07: the receptive-field explorer
    preprocess.py               05-06: a drawing made into an MNIST digit (mnist_preprocess)
    widgets/digit_pad.py        05-06: DigitPad, draw a digit and watch the models read it
"""

from .canvas import (
    ShufflePixels,
    place_on_canvas,
    show_params_vs_accuracy,
    with_shuffled_pixels,
)
from .checks import call_learner, check_array, check_center_pixel, check_class_counts, report
from .checks_cnn import (
    check_conv_params,
    check_global_avg_pool,
    check_locally_connected_params,
    check_most_confused,
    check_place_digit,
    check_relu_backward,
)
from .checks_conv import (
    check_conv2d,
    check_gradient_descent,
    check_kernel_gradient,
    check_output_size,
    run_learner_conv,
)
from .checks_inside import check_receptive_field, check_receptive_step
from .checks_pixels import (
    check_brighten,
    check_brightest_pixel,
    check_class_score,
    check_cosine_similarity,
    check_invert,
    check_shift_down,
    check_unshuffle,
)
from .compare import (
    ever_inked,
    feature_change,
    head_input,
    inked_windows,
    layer_param_counts,
    window_params,
)
from .conv import KERNELS, conv2d, conv2d_naive, get_kernel, output_size, sliding_windows
from .data import (
    DIGITS_PATH,
    load_digits,
    load_idx,
    load_photo,
    train_test_split,
    validation_split,
)
from .experiments import (
    PermutationResult,
    accuracy_vs_shift,
    cosine_similarity,
    permutation_experiment,
)
from .gradcheck import backward_errors, layer_gradient_errors
from .grid_figures import (
    plot_accuracy_vs_shift,
    show_channels,
    show_contributions,
    show_equivariance,
    show_pixel_histograms,
    show_reference_vectors,
)
from .grid_widgets import adjust
from .images import permute_pixels, shift, to_float
from .inspect_cnn import (
    confusion_matrix,
    first_conv_weights,
    most_confused_pairs,
    show_confusion,
    show_kernels,
    show_mistakes,
)
from .learn_kernel import (
    DIVERGED,
    kernel_descent,
    kernel_gradient,
    learn_kernel,
    least_squares_kernel,
)
from .linear import LinearModel, train_linear
from .local import (
    LocallyConnected2D,
    locally_connected_backward,
    locally_connected_backward_naive,
    locally_connected_cnn,
    locally_connected_forward,
    locally_connected_forward_naive,
    locally_connected_params,
)
from .losses import softmax, softmax_cross_entropy
from .models import (
    Conv2D,
    Dense,
    Flatten,
    GlobalAvgPool,
    MaxPool2D,
    ReLU,
    Sequential,
    global_pool_cnn,
    mlp,
    small_cnn,
    small_cnn_global_pool,
)
from .nn import (
    conv_backward,
    conv_backward_naive,
    conv_forward,
    conv_forward_naive,
    dense_backward,
    dense_forward,
    flatten_backward,
    flatten_forward,
    global_avg_pool_backward,
    global_avg_pool_forward,
    maxpool_backward,
    maxpool_forward,
    relu_backward,
    relu_forward,
)
from .plotting import show_gallery, show_image, show_softmax, show_values
from .preprocess import mnist_preprocess
from .pretrained import (
    CANVAS,
    PRETRAINED,
    Recipe,
    learning_curve,
    load_params,
    pretrained,
    pretrained_with_curve,
    read_manifest,
    save_params,
    train_pretrained,
    training_data,
)
from .receptive import (
    ReceptiveField,
    TopPatches,
    cut_window,
    layer_output,
    pixels_that_change,
    receptive_field,
    receptive_field_table,
    show_receptive_fields,
    show_top_patches,
    show_unit_inputs,
    top_patches,
    unit_inputs,
)
from .render import colorize, html_grid, outline, png_bytes, upscale
from .setup_check import environment_report, slider_check
from .train import (
    SGD,
    Adam,
    LiveCurves,
    accuracy,
    fit,
    gradient_check,
    keep_freed_memory,
    train_step,
    usable_cpus,
)
from .widgets.brightness import brightness_contrast
from .widgets.digit_pad import DigitPad
from .widgets.explorer import KernelExplorer
from .widgets.explorer_inputs import EXAMPLE_IMAGE, EXAMPLE_KERNEL, parse_kernel, photo_crop
from .widgets.feature_maps import feature_maps_widget
from .widgets.learning_rate import RATES, LearningRateExplorer, learning_rate_explorer
from .widgets.receptive_field import receptive_field_widget
from .widgets.shift_predictions import shift_predictions_widget
from .widgets.shift_scores import shift_explorer
from .widgets.shuffle import shuffle_explorer
from .widgets.windows import digit_window, photo_window

__version__ = "0.1.0"

__all__ = [
    # data
    "DIGITS_PATH",
    "load_digits",
    "load_idx",
    "load_photo",
    "train_test_split",
    "validation_split",
    # convolution
    "KERNELS",
    "conv2d",
    "conv2d_naive",
    "get_kernel",
    "output_size",
    "sliding_windows",
    # images
    "permute_pixels",
    "shift",
    "to_float",
    # classifiers' loss
    "softmax",
    "softmax_cross_entropy",
    # figures and fast widget pictures
    "show_gallery",
    "show_image",
    "show_softmax",
    "show_values",
    "colorize",
    "html_grid",
    "outline",
    "png_bytes",
    "upscale",
    # exercises and set-up
    "call_learner",
    "check_array",
    "check_center_pixel",
    "check_class_counts",
    "report",
    "environment_report",
    "slider_check",
    # 01-03: pixels, permutation, translation
    "LinearModel",
    "train_linear",
    "PermutationResult",
    "accuracy_vs_shift",
    "cosine_similarity",
    "permutation_experiment",
    "plot_accuracy_vs_shift",
    "show_channels",
    "show_contributions",
    "show_equivariance",
    "show_pixel_histograms",
    "show_reference_vectors",
    "adjust",
    "brightness_contrast",
    "digit_window",
    "photo_window",
    "shift_explorer",
    "shuffle_explorer",
    "check_brighten",
    "check_brightest_pixel",
    "check_class_score",
    "check_cosine_similarity",
    "check_invert",
    "check_shift_down",
    "check_unshuffle",
    # 04: sliding-kernel convolution
    "EXAMPLE_IMAGE",
    "EXAMPLE_KERNEL",
    "KernelExplorer",
    "check_conv2d",
    "check_output_size",
    "run_learner_conv",
    "learn_kernel",
    "parse_kernel",
    # 04b: learning a kernel from examples
    "DIVERGED",
    "RATES",
    "LearningRateExplorer",
    "kernel_descent",
    "kernel_gradient",
    "learning_rate_explorer",
    "least_squares_kernel",
    "check_gradient_descent",
    "check_kernel_gradient",
    "photo_crop",
    # 05-06: neural networks, and what convolution buys
    "check_conv_params",
    "check_global_avg_pool",
    "check_locally_connected_params",
    "check_most_confused",
    "check_place_digit",
    "check_relu_backward",
    "ShufflePixels",
    "with_shuffled_pixels",
    "confusion_matrix",
    "feature_maps_widget",
    "first_conv_weights",
    "most_confused_pairs",
    "place_on_canvas",
    "shift_predictions_widget",
    "show_params_vs_accuracy",
    "show_confusion",
    "show_kernels",
    "show_mistakes",
    "mnist_preprocess",
    "DigitPad",
    "conv_forward",
    "conv_backward",
    "conv_forward_naive",
    "conv_backward_naive",
    "relu_forward",
    "relu_backward",
    "maxpool_forward",
    "maxpool_backward",
    "global_avg_pool_forward",
    "global_avg_pool_backward",
    "flatten_forward",
    "flatten_backward",
    "dense_forward",
    "dense_backward",
    "Conv2D",
    "ReLU",
    "MaxPool2D",
    "GlobalAvgPool",
    "Flatten",
    "Dense",
    "Sequential",
    "small_cnn",
    "mlp",
    "global_pool_cnn",
    "small_cnn_global_pool",
    "LocallyConnected2D",
    "locally_connected_forward",
    "locally_connected_backward",
    "locally_connected_forward_naive",
    "locally_connected_backward_naive",
    "locally_connected_params",
    "locally_connected_cnn",
    "SGD",
    "Adam",
    "fit",
    "LiveCurves",
    "gradient_check",
    "backward_errors",
    "layer_gradient_errors",
    "keep_freed_memory",
    "accuracy",
    "train_step",
    "usable_cpus",
    # 06-07: the shipped trained models
    "CANVAS",
    "PRETRAINED",
    "Recipe",
    "learning_curve",
    "load_params",
    "pretrained",
    "pretrained_with_curve",
    "read_manifest",
    "save_params",
    "train_pretrained",
    "training_data",
    "ever_inked",
    "feature_change",
    "head_input",
    "inked_windows",
    "layer_param_counts",
    "window_params",
    # 07: inside the network
    "check_receptive_field",
    "check_receptive_step",
    "ReceptiveField",
    "TopPatches",
    "cut_window",
    "layer_output",
    "receptive_field",
    "receptive_field_table",
    "show_receptive_fields",
    "show_top_patches",
    "top_patches",
    "pixels_that_change",
    "show_unit_inputs",
    "unit_inputs",
    "receptive_field_widget",
]
