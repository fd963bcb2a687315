"""Notebook 06's measurement helpers (convhelpers/compare.py) on small, hand-checked inputs."""

import numpy as np
import pytest

import convhelpers as ch


def _count(layer):
    return sum(p.size for p in layer.params.values())


def test_layer_param_counts_count_the_real_layers():
    for h, w, c, k in [(28, 28, 32, 3), (5, 7, 4, 3), (6, 6, 2, 5)]:
        counts = ch.layer_param_counts(h, w, c, k)
        real = {
            "dense": ch.Dense(h * w, c, rng=0),
            "locally connected": ch.LocallyConnected2D(1, c, k, (h, w), padding=k // 2, rng=0),
            "convolution": ch.Conv2D(1, c, k, padding=k // 2, rng=0),
        }
        assert counts == {name: _count(layer) for name, layer in real.items()}
    assert ch.layer_param_counts(1000, 1000)["convolution"] == 320  # no H, W in it
    with pytest.raises(ValueError, match="height"):
        ch.layer_param_counts(0, 28)


def test_window_params_counts_only_sliding_layers():
    assert ch.window_params(ch.small_cnn()) == (8 * 9 + 8) + (32 * 8 * 9 + 32)  # 2,416
    assert ch.window_params(ch.mlp()) == 0
    lc = ch.locally_connected_cnn()
    sliding = [layer for layer in lc.layers if isinstance(layer, ch.LocallyConnected2D | ch.Conv2D)]
    assert ch.window_params(lc) == sum(_count(layer) for layer in sliding) > 0
    assert ch.window_params(object()) == 0  # no layers at all, like the flattened model


def test_head_input_is_the_flatten_or_global_pool_output():
    images = ch.to_float(ch.load_digits()[0][:3])
    cnn = ch.small_cnn()
    flat = ch.head_input(cnn, images)
    assert flat.shape == (3, 32 * 7 * 7)
    np.testing.assert_array_equal(flat, cnn.activations(images)[6])  # layer 6 is Flatten
    assert ch.head_input(ch.small_cnn_global_pool(), images).shape == (3, 32)
    no_head = ch.Sequential(ch.Conv2D(1, 2, 3, padding=1, rng=0), input_shape=(1, 28, 28))
    with pytest.raises(ValueError, match="Flatten or GlobalAvgPool"):
        ch.head_input(no_head, images)
    with pytest.raises(TypeError, match="Sequential"):
        ch.head_input("cnn", images)


def test_feature_change_is_zero_for_an_average_of_a_moved_pattern():
    rng = np.random.default_rng(0)
    images = np.zeros((4, 12, 12), np.float32)
    images[:, 4:8, 3:7] = rng.random((4, 4, 4))  # ink well inside the frame
    conv = ch.Conv2D(1, 3, 3, padding=1, rng=1)
    shape = {"input_shape": (1, 12, 12)}
    averaged = ch.Sequential(conv, ch.ReLU(), ch.GlobalAvgPool(), ch.Dense(3, 2, rng=2), **shape)
    flattened = ch.Sequential(conv, ch.ReLU(), ch.Flatten(), ch.Dense(3 * 144, 2, rng=2), **shape)
    assert ch.feature_change(averaged, images, 0) == 0.0
    assert ch.feature_change(averaged, images, 2) < 1e-5  # the maps move, their mean stays
    assert ch.feature_change(flattened, images, 2) > 0.5  # other positions, other numbers
    with pytest.raises(ValueError, match="images"):
        ch.feature_change(averaged, images[0], 1)


def test_ever_inked_includes_every_move_up_to_augment():
    images = np.zeros((2, 10, 10), np.uint8)
    images[0, 5, 5] = 200
    images[1, 0, 0] = 1
    assert np.argwhere(ch.ever_inked(images, augment=0)).tolist() == [[0, 0], [5, 5]]
    inked = ch.ever_inked(images, augment=1)
    expected = np.zeros((10, 10), bool)
    expected[4:7, 4:7] = True  # around (5, 5)
    expected[0:2, 0:2] = True  # around (0, 0), clipped by the frame
    np.testing.assert_array_equal(inked, expected)
    with pytest.raises(ValueError, match="augment"):
        ch.ever_inked(images, augment=-1)


def test_inked_windows_are_the_windows_that_touch_ink():
    inked = np.zeros((9, 9), bool)
    inked[4, 6] = True
    windows = ch.inked_windows(inked)
    assert windows.shape == (9, 9)
    assert np.argwhere(windows).tolist() == [[r, c] for r in (3, 4, 5) for c in (5, 6, 7)]
    assert ch.inked_windows(inked, kernel_size=5).sum() == 5 * 5  # rows 2-6, columns 4-8
    with pytest.raises(ValueError, match="odd"):
        ch.inked_windows(inked, kernel_size=2)
    with pytest.raises(ValueError, match="bool"):
        ch.inked_windows(inked.astype(int))
