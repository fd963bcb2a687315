"""The numbers that come out of training, asserted within tolerances measured over seeds.

The notebooks' checked cells print only what every CPU and BLAS build computes identically
(see CONTRIBUTING.md, "Checked cells are portable"); trained accuracies differ in the last
digits between machines. Here they are tested with margins instead. Each tolerance comes
from runs over several seeds on this project's machines (the spread is in the comment), and
is several times wider than that spread, so a real regression fails and rounding does not.

Budget: about 30 s on two cores (one small_cnn trained with fit's default recipe on the 7,000
fit digits, shared by the tests of notebook 05).
"""

import inspect

import numpy as np
import pytest

import convhelpers as ch


@pytest.fixture(scope="module")
def split():
    X, y = ch.load_digits()
    return ch.train_test_split(X, y)  # X_train, X_test, y_train, y_test (8,000 / 2,000)


# --- notebooks 02-03: the flattened model (float64, 15 epochs, 0.5 s) ---------------------


def test_flattened_model_accuracy(split):
    X_train, X_test, y_train, y_test = split
    model = ch.train_linear(X_train, y_train)
    # Seeds 0-4 gave 0.9095-0.9115.
    assert 0.90 <= ch.accuracy(model, X_test, y_test) <= 0.92
    # The mean training loss falls from about 0.69 (epoch 1) to about 0.24 (epoch 15).
    assert model.loss_history[-1] < 0.5 * model.loss_history[0]
    # 02 prints both: seeds 0-4, training digits 0.9366-0.9393, test digits 0.9095-0.9115.
    assert ch.accuracy(model, X_train, y_train) > ch.accuracy(model, X_test, y_test) + 0.01


def test_held_out_loss_ends_above_the_loss_on_the_digits_learned_from(split):
    X_train, _, y_train, _ = split
    X_fit, X_val, y_fit, y_val = ch.validation_split(X_train, y_train)
    loss = {}
    for k in (1, 15):  # notebook 02's figure: the model after 1 and after 15 epochs
        model = ch.train_linear(X_fit, y_fit, num_epochs=k)
        loss[k] = [
            ch.softmax_cross_entropy(model.scores(X), y)[0]
            for X, y in ((X_fit, y_fit), (X_val, y_val))
        ]
    # Seeds 0-2: fit 0.442-0.463 -> 0.230-0.233; held out 0.476-0.497 -> 0.330-0.340.
    assert loss[15][0] < loss[1][0] * 2 / 3
    assert loss[15][1] > loss[15][0] + 0.05
    assert loss[15][1] < loss[1][1]


def test_shuffled_pixels_change_nothing_for_the_flattened_model(split):
    X_train, X_test, y_train, y_test = split
    perm = np.random.default_rng(0).permutation(28 * 28)
    result = ch.permutation_experiment(X_train, y_train, X_test, y_test, perm)
    # Seeds 0-4: identical accuracies and 100 % identical predictions.
    assert abs(result.accuracy_permuted - result.accuracy_original) <= 0.002
    assert result.same_predictions >= 0.99


def test_the_flattened_model_reads_only_the_shuffle_it_was_trained_with(split):
    X_train, X_test, y_train, y_test = split
    model = ch.train_linear(X_train, y_train)  # trained on the digits as they are
    for seed in (0, 1, 2):
        perm = np.random.default_rng(seed).permutation(28 * 28)
        shuffled = ch.accuracy(model, ch.permute_pixels(X_test, perm), y_test)
        # Training seeds 0-4 x permutation seeds 0-4: 0.071-0.115 (guessing: 0.10).
        assert 0.03 < shuffled < 0.2, f"perm seed {seed}: about what guessing gets"


def test_the_flattened_model_falls_as_digits_move(split):
    X_train, X_test, y_train, y_test = split
    model = ch.train_linear(X_train, y_train)
    curve = ch.accuracy_vs_shift(model, X_test[:1000], y_test[:1000], np.arange(9))
    # Seeds 0-4 at 0, 2, 4, 8 px: 0.910-0.915, 0.613-0.627, 0.227-0.236, 0.078-0.081.
    assert curve[0] > 0.88
    assert 0.5 < curve[2] < 0.75
    assert curve[4] < 0.35
    assert curve[8] < 0.15
    assert np.all(np.diff(curve) < 0.01), "accuracy never rises as the shift grows"


def test_notebook_03s_example_digit_and_six_pixel_shifts(split):
    X_train, X_test, y_train, y_test = split
    model = ch.train_linear(X_train, y_train)
    first_row = (X_test > 0).any(axis=2).argmax(axis=1)
    correct = model.predict(X_test) == y_test
    i = int(np.flatnonzero((first_row == 3) & correct)[0])  # 03's rule for its digit
    digit, c = X_test[i], int(y_test[i])
    moved = ch.shift(digit, dy=4)
    change = model.contributions(moved, c).sum(axis=1) - model.contributions(digit, c).sum(axis=1)
    # Seeds 0-4: digit #3 (a 6) read as a 5 once moved; the row that changed most is 23.
    assert model.predict(moved) != c
    assert 22 <= int(np.argmax(np.abs(change))) <= 27
    commonest = np.bincount(y_test).max() / len(y_test)  # 0.1125
    for direction in ("dx", "dy"):
        acc = ch.accuracy_vs_shift(model, X_test, y_test, [-6, 6], direction=direction)
        # Seeds 0-4: 0.058-0.082 at 6 pixels, every direction.
        assert acc.max() < commonest - 0.015


# --- notebook 04b: learning a kernel by gradient descent (float64) ------------------------


@pytest.fixture(scope="module")
def kernel_pairs():
    images = ch.to_float(ch.load_digits()[0][:32]).astype(float)  # notebook 04b's 32 digits
    hidden = ch.get_kernel("sobel y")
    return images, np.stack([ch.conv2d(im, hidden) for im in images]), hidden


def test_learn_kernel_recovers_the_hidden_kernel_and_diverges_when_too_fast(kernel_pairs):
    images, targets, hidden = kernel_pairs
    learned, losses = ch.learn_kernel(images, targets, lr=1.0, num_steps=300)
    assert np.abs(learned - hidden).max() < 0.05
    assert losses[-1] < 1e-3 * losses[0]
    _, too_fast = ch.learn_kernel(images, targets, lr=1.5, num_steps=60)
    assert too_fast[-1] > 1e3 * too_fast[0], "lr 1.5 makes the loss blow up"
    assert too_fast[10] < too_fast[0]
    assert 9 <= int(np.argmin(too_fast)) <= 15, "'falls for a dozen steps' (12 measured)"


def test_targets_made_with_the_flip_teach_the_kernel_turned_by_180(kernel_pairs):
    images = kernel_pairs[0]
    k = np.array([[1, 2, 0], [0, 1, -1], [-2, 0, 3]], dtype=float)
    flip_targets = np.stack([ch.conv2d(x, k, flip=True) for x in images])
    learned, _ = ch.learn_kernel(images, flip_targets, lr=1.0, num_steps=1000)
    assert np.abs(learned - k[::-1, ::-1]).max() < 0.01  # 0.0003 measured
    assert np.abs(learned - k).max() > 1


def test_which_learning_rates_settle_within_300_steps(kernel_pairs):
    descent = ch.learning_rate_explorer(*kernel_pairs)
    last = {}
    for r, lr in enumerate(descent.rates):
        descent.rate, descent.step = r, descent.num_steps
        last[lr] = descent.loss
    first = ch.kernel_gradient(kernel_pairs[0], kernel_pairs[1], np.zeros((3, 3)))[0]
    settled = [lr for lr, value in last.items() if value < first / 1000]
    assert settled == [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2]
    assert last[0.2] < first / 1250 and last[0.1] > first / 600  # margins: 1/1280 and 1/513
    assert last[1.3] > 10 * last[1.2] and last[1.5] == np.inf


# --- notebook 05: small_cnn with fit's default recipe, on the validation split ------------
# Notebook 05 trains on the 7,000 fit digits, judges on the 1,000 validation digits and
# measures the 2,000 test digits once, at the end. Margins: seeds 0-2 (small_cnn(seed=s),
# fit(seed=0) and fit(seed=s)), fit's recipe of 8906a74 (18 epochs, lr 0.05), this machine;
# each test's comment gives the measured range.


@pytest.fixture(scope="module")
def fit_val(split):
    X_train, _, y_train, _ = split
    return ch.validation_split(X_train, y_train)  # X_fit, X_val, y_fit, y_val (7,000 / 1,000)


@pytest.fixture(scope="module")
def trained_cnn(fit_val):
    X_fit, X_val, y_fit, y_val = fit_val
    model = ch.small_cnn(seed=0)
    history = ch.fit(model, X_fit, y_fit, X_val=X_val, y_val=y_val, live=False)
    return model, history


def test_fit_defaults_are_the_recipe_notebook_05_prints():
    defaults = {k: p.default for k, p in inspect.signature(ch.fit).parameters.items()}
    assert defaults["seed"] == 0 and defaults["augment"] >= 1


def test_small_cnn_reaches_its_accuracy(trained_cnn, fit_val, split):
    model, history = trained_cnn
    _, X_val, _, y_val = fit_val
    _, X_test, _, y_test = split
    val, test = ch.accuracy(model, X_val, y_val), ch.accuracy(model, X_test, y_test)
    # Seeds 0-2: validation 0.983-0.990, test 0.9835-0.9875; 05 states "above 0.97" for both.
    assert val > 0.975 and test > 0.975
    assert history["val_acc"][-1] == pytest.approx(val)
    # Last epoch's training accuracy minus validation: 0.002-0.007; |test - validation| at
    # most 0.0045. 05 states "within 2 points" for both.
    assert abs(history["train_acc"][-1] - val) < 0.015
    assert abs(test - val) < 0.015
    assert history["loss"][-1] < 0.25 * history["loss"][0]  # 1.38-1.50 -> 0.026-0.034
    # Wrong validation digits: 10-17 of 1,000; 05 states "fewer than 3%".
    assert int(np.sum(model.predict(X_val) != y_val)) < 0.025 * len(X_val)


def test_a_good_share_of_feature_map_values_are_zero_after_each_relu(trained_cnn, fit_val):
    model, _ = trained_cnn
    _, X_val, _, _ = fit_val
    activations = model.activations(X_val[:500])
    shares = [
        float(np.mean(a == 0))
        for layer, a in zip(model.layers, activations, strict=True)
        if isinstance(layer, ch.ReLU) and a.ndim == 4
    ]
    # Seeds 0-2: 0.42-0.60 after the first, 0.57-0.62 after the second (seed 0: 0.60, 0.57);
    # notebook 05 states "more than a third".
    assert len(shares) == 2
    assert all(s > 1 / 3 for s in shares)


def test_the_trained_cnn_beats_the_flattened_model_by_far(trained_cnn, split):
    model, _ = trained_cnn
    X_train, X_test, y_train, y_test = split
    flat = ch.train_linear(X_train, y_train)
    assert ch.accuracy(model, X_test, y_test) - ch.accuracy(flat, X_test, y_test) > 0.05
