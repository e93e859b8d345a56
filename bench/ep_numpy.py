#!/usr/bin/env python3
"""The numpy peer of issue 30: EP on 784-500-10 with numpy in float32 (or float64), with epsim's
dynamics and settings and the same two savings bench/ep_torch.py and epsim make: the input's
current once per training step, and one Hebbian product of the phase difference for the input
layer. The BLAS thread count is set before numpy loads, so the runs of 1 and 2 threads are fair.

    /usr/bin/python3 bench/ep_numpy.py --batch 20 --free 20 --nudge 4 --threads 1 --dtype float32
prints one JSON line: samples per second of a training step (free + two nudged phases + update).
"""
import json
import os

from peers import arguments, samples_per_second


def main():
    a = arguments(threads=1, dtype="float32", dtypes=["float32", "float64"])
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    import numpy as np  # after the thread count: the BLAS reads it once, when it loads

    rng = np.random.default_rng(1)
    dt = np.dtype(a.dtype)
    sizes = [784, 500, 10]
    w = [(rng.uniform(-1, 1, (sizes[k + 1], sizes[k])) * (6.0 / (sizes[k] + sizes[k + 1])) ** 0.5).astype(dt) for k in range(2)]
    b = [np.zeros(sizes[k + 1], dt) for k in range(2)]
    x = rng.random((a.batch, 784)).astype(dt)
    y = np.zeros((a.batch, 10), dt)
    y[np.arange(a.batch), rng.integers(0, 10, a.batch)] = 1
    lr = [dt.type(0.1), dt.type(0.05)]

    def relax(u1, u2, steps, beta, drive_in):
        # the hard sigmoid clips the state to its rails, so inside them rho(u) = u and rho'(u) = 1:
        # the Euler step at eps = 1 is u <- clip(drive (- beta (u - y) at the output)), as epsim computes it
        for _ in range(steps):
            d1 = drive_in + u2 @ w[1]
            d2 = u1 @ w[1].T + b[1]
            if beta != 0:
                d2 -= dt.type(beta) * (u2 - y)
            u1, u2 = np.clip(d1, 0, 1, out=d1), np.clip(d2, 0, 1, out=d2)
        return u1, u2

    def train_step():
        u1, u2 = np.zeros((a.batch, 500), dt), np.zeros((a.batch, 10), dt)
        drive_in = x @ w[0].T + b[0]
        f1, f2 = relax(u1, u2, a.free, 0.0, drive_in)
        p1, p2 = relax(f1, f2, a.nudge, a.beta, drive_in)
        m1, m2 = relax(f1, f2, a.nudge, -a.beta, drive_in)
        s = dt.type(1.0 / (2 * a.beta * a.batch))
        rp1, rp2, rm1, rm2 = p1, p2, m1, m2  # rho of a clipped state is the state
        w[0] += lr[0] * s * ((rp1 - rm1).T @ x)
        w[1] += lr[1] * s * (rp2.T @ rp1 - rm2.T @ rm1)
        b[0] += lr[0] * s * (rp1 - rm1).sum(0)
        b[1] += lr[1] * s * (rp2 - rm2).sum(0)

    rate = samples_per_second(train_step, a.batch, a.seconds)
    print(json.dumps({"peer": "numpy", "numpy": np.__version__, "dtype": a.dtype, "threads": a.threads,
                      "batch": a.batch, "samples_per_second": rate}))


if __name__ == "__main__":
    main()
