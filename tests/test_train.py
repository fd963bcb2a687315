"""Optimisers, fit (learning, determinism, live display), accuracy."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.figure  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import convhelpers as ch  # noqa: E402
from convhelpers import train  # noqa: E402
from convhelpers.models import Dense, Sequential  # noqa: E402


@pytest.fixture(scope="module")
def subset():
    X, y = ch.load_digits()
    return X[:500], y[:500]


def params_of(model):
    return [p.copy() for layer in model.layers for p in layer.params.values()]


def test_fit_reduces_the_loss_and_beats_chance(subset):
    X, y = subset
    model = ch.small_cnn(seed=0)
    before = ch.accuracy(model, X, y)
    history = ch.fit(model, X, y, num_epochs=1, batch_size=32, lr=0.1, live=False)
    losses = history["batch_loss"]
    assert len(losses) == 16 and len(history["loss"]) == 1
    assert np.mean(losses[-4:]) < 0.7 * np.mean(losses[:4])
    after = ch.accuracy(model, X, y)
    assert after > 0.5 and after > before + 0.2  # chance is 0.1
    assert set(history) >= {"loss", "train_acc", "val_acc", "epoch_seconds", "batch_loss"}


def test_fit_reports_validation_accuracy_per_epoch(subset):
    X, y = subset
    model = ch.mlp(seed=0, hidden=32)
    history = ch.fit(
        model, X[:400], y[:400], num_epochs=2, X_val=X[400:], y_val=y[400:], live=False
    )
    assert len(history["val_acc"]) == 2 == len(history["epoch_seconds"])
    assert history["val_acc"][-1] == ch.accuracy(model, X[400:], y[400:])


def test_same_seed_same_parameters_different_seed_different(subset):
    X, y = subset
    runs = []
    for seed in (0, 0, 1):
        model = ch.small_cnn(seed=0)
        ch.fit(model, X[:128], y[:128], num_epochs=1, batch_size=32, seed=seed, live=False)
        runs.append(params_of(model))
    for a, b in zip(runs[0], runs[1], strict=True):
        np.testing.assert_array_equal(a, b)
    assert not all(np.array_equal(a, c) for a, c in zip(runs[0], runs[2], strict=True))


def test_fit_accepts_float_images_and_adam(subset):
    X, y = subset
    model = ch.small_cnn(seed=0)
    history = ch.fit(
        model, ch.to_float(X), y, num_epochs=2, batch_size=32, optimizer="adam", lr=2e-3, live=False
    )
    losses = history["batch_loss"]
    assert np.mean(losses[-4:]) < 0.7 * np.mean(losses[:4])
    assert all(p.dtype == np.float32 for p in params_of(model))


def test_fit_rejects_bad_arguments(subset):
    X, y = subset
    model = ch.small_cnn()
    with pytest.raises(ValueError, match="y must be 500 integer labels"):
        ch.fit(model, X, y[:10], live=False)
    with pytest.raises(ValueError, match="optimizer"):
        ch.fit(model, X, y, optimizer="rmsprop", live=False)
    with pytest.raises(ValueError, match="X must have shape"):
        ch.fit(model, X[:, :20], y, live=False)
    with pytest.raises(TypeError, match="num_epochs"):
        ch.fit(model, X, y, num_epochs=1.5, live=False)
    with pytest.raises(TypeError, match="live"):
        ch.fit(model, X, y, live="yes")
    with pytest.raises(ValueError, match="y must hold classes 0 to 9"):
        ch.fit(model, X, y + 1, live=False)
    with pytest.raises(ValueError, match="y_val must hold classes"):
        ch.fit(model, X, y, X_val=X[:5], y_val=-y[:5] - 1, live=False)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        ch.fit(model, X, y, lr=0, live=False)
    with pytest.raises(ValueError, match="weight_decay must be 0 or more"):
        ch.fit(model, X, y, weight_decay=-1e-3, live=False)
    with pytest.raises(TypeError, match="weight_decay must be a number"):
        ch.fit(model, X, y, weight_decay="1e-3", live=False)
    with pytest.raises(ValueError, match='optimizer="sgd" only'):
        ch.fit(model, X, y, optimizer="adam", weight_decay=1e-3, live=False)


def test_live_display_updates_widgets_and_reuses_one_figure(subset, monkeypatch):
    X, y = subset
    created = []
    original_init = matplotlib.figure.Figure.__init__

    def counting_init(self, *args, **kwargs):
        created.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.figure.Figure, "__init__", counting_init)
    live = train.LiveCurves()
    assert len(created) == 1
    first_png = live.image.value
    history = ch.fit(
        ch.small_cnn(), X[:256], y[:256], num_epochs=2, batch_size=32, X_val=X[256:300],
        y_val=y[256:300], live=live, plot_every=4,
    )  # fmt: skip
    assert len(created) == 1  # no new figure per redraw
    assert live.redraws == 16 // 4 + 2  # every 4 batches, plus once per epoch
    assert live.progress.max == live.progress.value == 16
    assert live.image.value != first_png and live.image.value[:4] == b"\x89PNG"
    assert f"{history['val_acc'][-1]:.3f}" in live.status.value
    x_loss, _ = live.loss_line.get_data()
    assert np.isclose(x_loss[-1], 2.0)  # the loss curve's x-axis is in epochs
    np.testing.assert_array_equal(live.val_line.get_data()[1], history["val_acc"])


def test_live_true_builds_the_display_itself(subset, monkeypatch, capsys):
    X, y = subset
    created = []
    original_init = train.LiveCurves.__init__

    def spy(self, *args, **kwargs):
        created.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(train.LiveCurves, "__init__", spy)
    ch.fit(ch.mlp(hidden=16), X[:64], y[:64], num_epochs=1, live=True, plot_every=1)
    assert len(created) == 1 and created[0].redraws == 1 + 1  # one batch, then the epoch's end
    assert created[0].progress.value == 1


def test_sgd_momentum_weight_decay_and_adam_steps_by_hand():
    model = Sequential(Dense(2, 1, rng=0), input_shape=(1, 1, 2))
    w0 = model.layers[0].params["w"].copy()
    model.layers[0].grads = {
        "w": np.array([[1.0], [-2.0]], np.float32),
        "b": np.ones(1, np.float32),
    }
    sgd = ch.SGD(lr=0.1, momentum=0.5)
    sgd.step(model)
    sgd.step(model)  # velocity: -0.1 g, then 0.5 * (-0.1 g) - 0.1 g = -0.15 g
    np.testing.assert_allclose(model.layers[0].params["w"], w0 - 0.25 * np.array([[1.0], [-2.0]]))
    model.layers[0].params["w"] = w0.copy()
    b0 = model.layers[0].params["b"].copy()
    decayed = ch.SGD(lr=0.1, momentum=0.5, weight_decay=0.2)
    decayed.step(model)  # the weights' gradient gains 0.2 * w; the bias's does not
    g = np.array([[1.0], [-2.0]], np.float32)
    np.testing.assert_allclose(model.layers[0].params["w"], w0 - 0.1 * (g + 0.2 * w0), rtol=1e-6)
    np.testing.assert_allclose(model.layers[0].params["b"], b0 - 0.1 * 1.0, rtol=1e-6)
    model.layers[0].params["w"] = w0.copy()
    adam = ch.Adam(lr=0.01)
    adam.step(model)  # the first Adam step moves every parameter by lr against the gradient's sign
    np.testing.assert_allclose(
        model.layers[0].params["w"], w0 - 0.01 * np.array([[1.0], [-1.0]]), rtol=1e-5
    )


def test_lr_schedule_warms_up_then_decays():
    lrs = [train._lr_at(step, 100, 0.1, 0.1) for step in range(100)]
    assert lrs[0] == pytest.approx(0.01) and max(lrs) == pytest.approx(0.1)
    assert int(np.argmax(lrs)) == 9 and lrs[-1] < 1e-3
    assert all(a >= b for a, b in zip(lrs[10:], lrs[11:], strict=False))


def test_random_shifts_are_shifts_within_range(subset):
    X, _ = subset
    images = ch.to_float(X[:20])[:, None]
    moved = train._random_shifts(images, 2, np.random.default_rng(0))
    assert moved.shape == images.shape
    seen = set()
    for img, out in zip(images, moved, strict=True):
        matches = [
            (dy, dx)
            for dy in range(-2, 3)
            for dx in range(-2, 3)
            if np.array_equal(ch.shift(img, dy, dx), out)
        ]
        assert matches
        seen.update(matches)
    assert len(seen) > 3  # not always the same shift


def test_accuracy_is_the_fraction_of_correct_predictions(subset):
    X, y = subset
    model = ch.small_cnn(seed=1)
    assert ch.accuracy(model, X, y) == np.mean(model.predict(X) == y)
    assert ch.accuracy(model, X[:1], model.predict(X[:1])) == 1.0


def test_train_step_lowers_the_loss_on_its_batch(subset):
    X, y = subset
    model, opt = ch.small_cnn(seed=0), ch.SGD(lr=0.05)
    xb = ch.to_float(X[:32])[:, None]
    first, scores = ch.train_step(model, opt, xb, y[:32])
    assert scores.shape == (32, 10)
    for _ in range(10):
        loss, _ = ch.train_step(model, opt, xb, y[:32])
    assert loss < 0.3 * first


def test_two_core_step_equals_the_whole_batch_step(subset):
    """The halves-on-two-threads step gives the whole batch's loss, scores and update."""
    X, y = subset
    xb, yb = ch.to_float(X[:33])[:, None], y[:33]  # an odd batch: halves of 16 and 17
    results = {}
    for cores in (1, 2):
        model, opt = ch.small_cnn(seed=0), ch.SGD(lr=0.05)
        for _ in range(3):
            loss, scores = ch.train_step(model, opt, xb, yb, cores=cores)
        results[cores] = loss, scores, params_of(model)
    (loss1, scores1, params1), (loss2, scores2, params2) = results[1], results[2]
    assert loss2 == pytest.approx(loss1, rel=1e-5)
    np.testing.assert_allclose(scores2, scores1, rtol=1e-4, atol=1e-5)
    for a, b in zip(params1, params2, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-6)
    with pytest.raises(ValueError, match="cores must be None, 1 or 2"):
        ch.train_step(model, opt, xb, yb, cores=4)


def test_train_step_picks_the_halves_from_the_usable_cpus(subset, monkeypatch):
    X, y = subset
    xb, yb = ch.to_float(X[:8])[:, None], y[:8]
    calls = []
    real = train._gradients_on_two_cores
    monkeypatch.setattr(
        train, "_gradients_on_two_cores", lambda *a: calls.append(len(a[1])) or real(*a)
    )
    for cpus in (1, 2):
        monkeypatch.setattr(train, "usable_cpus", lambda cpus=cpus: cpus)
        ch.train_step(ch.small_cnn(), ch.SGD(), xb, yb)
    assert calls == [8]  # only with two CPUs


def test_two_core_step_follows_a_changed_model(subset, monkeypatch):
    """A layer replaced after a step is used by both halves at the next step."""
    X, y = subset
    monkeypatch.setattr(train, "usable_cpus", lambda: 2)
    xb, yb = ch.to_float(X[:16])[:, None], y[:16]
    model = ch.small_cnn(seed=0)
    ch.train_step(model, ch.SGD(lr=0.05), xb, yb)
    model.layers[-1] = Dense(128, 10, rng=5)
    before = model.layers[-1].params["w"].copy()
    ch.train_step(model, ch.SGD(lr=0.05), xb, yb)
    assert not np.array_equal(model.layers[-1].params["w"], before)
    grads = [layer.grads for layer in model.layers if layer.params]
    assert all(g.keys() == {"w", "b"} for g in grads)


def test_usable_cpus_counts_the_affinity_and_the_quota(monkeypatch, tmp_path):
    cpus = train.usable_cpus()
    assert 1 <= cpus <= len(train.os.sched_getaffinity(0))
    monkeypatch.setattr(train.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert train.usable_cpus() == 1  # as under `taskset -c 0`
    monkeypatch.setattr(train.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(train, "_cpu_quota", lambda: 2)
    assert train.usable_cpus() == 2


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"cpu.max": "max 100000"}, 1024),
        ({"cpu.max": "100000 100000"}, 1),
        ({"cpu.max": "250000 100000"}, 2),
        ({"cpu.max": "50000 100000"}, 1),  # half a CPU still gets one thread
        ({"cpu.cfs_quota_us": "-1", "cpu.cfs_period_us": "100000"}, 1024),
        ({"cpu.cfs_quota_us": "200000", "cpu.cfs_period_us": "100000"}, 2),
        ({}, 1024),
    ],
)
def test_cpu_quota_reads_cgroups_v1_and_v2(files, expected, monkeypatch, tmp_path):
    for name, text in files.items():
        (tmp_path / name).write_text(text + "\n")
    real_path = train.Path

    def fake_path(name):
        return tmp_path / real_path(name).name

    monkeypatch.setattr(train, "Path", fake_path)
    train._cpu_quota.cache_clear()
    try:
        assert train._cpu_quota() == expected
    finally:
        monkeypatch.undo()
        train._cpu_quota.cache_clear()


@pytest.mark.parametrize("cores", [1, 2])
def test_training_steps_reuse_their_memory(subset, cores):
    """After the first steps, a step faults in almost no new memory pages (~450 without)."""
    resource = pytest.importorskip("resource")
    if not train.keep_freed_memory():
        pytest.skip("only glibc's malloc is told to keep freed memory")
    X, y = subset
    xb, yb = ch.to_float(X[:128])[:, None], y[:128]
    model, opt = ch.small_cnn(seed=0), ch.SGD(lr=0.01)
    for _ in range(5):
        ch.train_step(model, opt, xb, yb, cores=cores)
    per_step = []  # three windows of 5 steps: a one-off spike elsewhere in the process
    for _ in range(3):  # (another test's thread, the first use of a pool) spoils one only
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(5):
            ch.train_step(model, opt, xb, yb, cores=cores)
        per_step.append((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 5)
    assert min(per_step) < 50, per_step
