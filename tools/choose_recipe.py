"""Choose fit's default recipe on the validation digits, never on the test digits.

    flock /tmp/heavy.lock .venv/bin/python tools/choose_recipe.py [--seeds 0 1 2]

Each candidate recipe (learning rate 0.1 unless it says otherwise) trains
small_cnn, global_pool_cnn and mlp (seeds 0-2) on the 7,000 fit digits of
``validation_split`` and is scored on its 1,000 validation digits. The rule,
fixed before the run: the recipe with the best mean validation accuracy over all
models and seeds wins; a recipe within 0.001 of it that takes fewer steps wins
instead. The 2,000 test digits are not loaded. fit's defaults record the result;
notebook 06's models all train with them.

--only NAME ... runs some candidates (training is deterministic on one machine,
so runs of different candidates compare).

Last line: ``chosen=<name> mean_val_accuracy=<f>``.
"""

import argparse
import time

import numpy as np

import convhelpers as ch

CANDIDATES = {  # name -> fit arguments; the rest as fit's defaults
    # (momentum SGD, warm-up 0.1 then cosine decay, shifts of up to 2 pixels)
    "batch 128, 12 epochs": {"batch_size": 128, "num_epochs": 12, "lr": 0.1},
    "batch 64, 12 epochs": {"batch_size": 64, "num_epochs": 12, "lr": 0.1},
    "batch 128, 18 epochs": {"batch_size": 128, "num_epochs": 18, "lr": 0.1},
    "batch 128, 12 epochs, lr 0.05": {"batch_size": 128, "num_epochs": 12, "lr": 0.05},
    "batch 128, 18 epochs, lr 0.05": {"batch_size": 128, "num_epochs": 18, "lr": 0.05},
    # Added in the fourth session: L2 weight decay on the weights, the same steps.
    "batch 128, 18 epochs, lr 0.05, decay 5e-4": {
        "batch_size": 128,
        "num_epochs": 18,
        "lr": 0.05,
        "weight_decay": 5e-4,
    },
    "batch 128, 18 epochs, lr 0.05, decay 2e-3": {
        "batch_size": 128,
        "num_epochs": 18,
        "lr": 0.05,
        "weight_decay": 2e-3,
    },
}
MODELS = {"small_cnn": ch.small_cnn, "global_pool_cnn": ch.global_pool_cnn, "mlp": ch.mlp}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--only", nargs="+", choices=CANDIDATES, default=list(CANDIDATES))
    args = parser.parse_args()
    seeds, candidates = args.seeds, {name: CANDIDATES[name] for name in args.only}

    X_train, _, y_train, _ = ch.train_test_split(*ch.load_digits())
    X_fit, X_val, y_fit, y_val = ch.validation_split(X_train, y_train)
    print(f"{len(X_fit):,} fit digits, {len(X_val):,} validation digits; seeds {seeds}")
    means, steps = {}, {}
    for name, recipe in candidates.items():
        scores = []
        for model_name, build in MODELS.items():
            accs = []
            for seed in seeds:
                start = time.perf_counter()
                model = build(seed=seed)
                fit_args = {**recipe, "seed": seed}
                history = ch.fit(model, X_fit, y_fit, live=False, **fit_args)
                accs.append(ch.accuracy(model, X_val, y_val))
                seconds = time.perf_counter() - start
                steps[name] = len(history["batch_loss"])
                print(f"  {name:30s} {model_name:16s} seed {seed}: {accs[-1]:.3f}", end="")
                print(f" ({seconds:.0f} s)")
            print(f"{name:32s} {model_name:16s} mean {np.mean(accs):.4f} min {min(accs):.3f}")
            scores += accs
        means[name] = float(np.mean(scores))
    best = max(means.values())
    close = [name for name in candidates if means[name] >= best - 0.001]
    chosen = min(close, key=lambda name: steps[name])
    for name in candidates:
        print(f"{name:32s} {steps[name]:5d} steps  mean validation accuracy {means[name]:.4f}")
    key = chosen.replace(" ", "_").replace(",", "")
    print(f"chosen={key} mean_val_accuracy={means[chosen]:.4f}")


if __name__ == "__main__":
    main()
