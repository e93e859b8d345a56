#!/usr/bin/env python3
"""The peer: EP on 784-500-10 in PyTorch on the CPU, in the style of the public EP code (batched
matrix products per relaxation step), with epsim's dynamics, settings and float64 precision, and
the same two savings epsim makes: the input's current once per training step and one Hebbian
product of the phase difference for the input layer.

    /usr/bin/python3 bench/ep_torch.py --batch 20 --free 20 --nudge 4 --threads 2
prints one JSON line: samples per second of a training step (free + two nudged phases + update).
"""
import json

import torch

from peers import arguments, samples_per_second


def main():
    a = arguments(threads=2, dtype="float64")
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    dt = getattr(torch, a.dtype)
    sizes = [784, 500, 10]
    W = [torch.empty(sizes[k + 1], sizes[k], dtype=dt).uniform_(-1, 1) * (6.0 / (sizes[k] + sizes[k + 1])) ** 0.5 for k in range(2)]
    b = [torch.zeros(sizes[k + 1], dtype=dt) for k in range(2)]
    x = torch.rand(a.batch, 784, dtype=dt)
    y = torch.zeros(a.batch, 10, dtype=dt)
    y[torch.arange(a.batch), torch.randint(0, 10, (a.batch,))] = 1
    lr = [0.1, 0.05]

    def rho(u):
        return u.clamp(0, 1)

    def rhop(u):
        return ((u >= 0) & (u <= 1)).to(dt)

    def relax(u1, u2, steps, beta, drive_in):
        for _ in range(steps):
            r1, r2 = rho(u1), rho(u2)
            d1 = drive_in + r2 @ W[1]
            d2 = r1 @ W[1].T + b[1]
            n1 = u1 + (-u1 + rhop(u1) * d1)
            n2 = u2 + (-u2 + rhop(u2) * d2)
            if beta != 0:
                n2 = n2 - beta * rhop(u2) * (r2 - y)
            u1, u2 = n1.clamp(0, 1), n2.clamp(0, 1)
        return u1, u2

    def train_step():
        u1 = torch.zeros(a.batch, 500, dtype=dt)
        u2 = torch.zeros(a.batch, 10, dtype=dt)
        drive_in = x @ W[0].T + b[0]          # the clamped input's current, once per training step
        f1, f2 = relax(u1, u2, a.free, 0.0, drive_in)
        p1, p2 = relax(f1, f2, a.nudge, a.beta, drive_in)
        m1, m2 = relax(f1, f2, a.nudge, -a.beta, drive_in)
        s = 1.0 / (2 * a.beta * a.batch)
        rp1, rp2, rm1, rm2 = rho(p1), rho(p2), rho(m1), rho(m2)
        W[0].add_(lr[0] * s * ((rp1 - rm1).T @ x))   # one product: the input is the same in both phases
        W[1].add_(lr[1] * s * (rp2.T @ rp1 - rm2.T @ rm1))
        b[0].add_(lr[0] * s * (rp1 - rm1).sum(0))
        b[1].add_(lr[1] * s * (rp2 - rm2).sum(0))

    with torch.no_grad():
        rate = samples_per_second(train_step, a.batch, a.seconds)
    print(json.dumps({"peer": "pytorch", "torch": torch.__version__, "dtype": a.dtype, "threads": a.threads,
                      "batch": a.batch, "samples_per_second": rate}))


if __name__ == "__main__":
    main()
