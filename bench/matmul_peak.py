#!/usr/bin/env python3
"""numpy (OpenBLAS) matrix-multiply rate on the crossbar shapes of 784-500-10, float64: the
practical peak epsim's kernels are compared with. Prints one JSON line per shape (GFLOP/s)."""
import json

import numpy as np

from peers import calls_per_second

SHAPES = ["20x784x500", "100x784x500", "20x500x10", "20x10x500", "hebbian-20x500x784",
          "1x500x10", "1x10x500", "100x500x10", "100x10x500"]


def rate(shape, seconds=1.0):
    heb = shape.startswith("hebbian-")
    r, k, c = map(int, shape.replace("hebbian-", "").split("x"))
    rng = np.random.default_rng(1)
    a = rng.random((r, k))
    m = rng.random((r if heb else k, c))
    out = np.zeros((k, c) if heb else (r, c))
    f = (lambda: np.add(out, 1e-3 * (a.T @ m), out=out)) if heb else (lambda: np.add(out, a @ m, out=out))
    return 2 * r * k * c * calls_per_second(f, seconds, 20) / 1e9


if __name__ == "__main__":
    for s in SHAPES:
        print(json.dumps({"shape": s, "numpy_gflops": rate(s)}))
