#!/usr/bin/env python3
"""Independent check of `epsim gradient --out DIR`: recompute the implicit gradient with numpy.

Reads DIR/meta.json, the weights, the batch and epsim's implicit gradient, finds each example's
free equilibrium with its own code (the discrete dynamics, then Newton for smooth curves),
solves H lambda = dC/du with numpy.linalg and compares dL/dtheta = -lambda^T d2E/(du dtheta)
with epsim's. Prints the relative error per layer; exits 1 if any exceeds --tol.
"""
import argparse
import json
import os
import sys

import numpy as np


def curves(name):
    if name == "sigmoid":
        s = lambda u: 1 / (1 + np.exp(-u))
        return s, lambda u: s(u) * (1 - s(u)), lambda u: s(u) * (1 - s(u)) * (1 - 2 * s(u)), None
    if name == "tanh":
        return np.tanh, lambda u: 1 - np.tanh(u) ** 2, lambda u: -2 * np.tanh(u) * (1 - np.tanh(u) ** 2), None
    if name == "hardSigmoid":
        return (lambda u: np.clip(u, 0, 1), lambda u: ((u >= 0) & (u <= 1)).astype(float),
                lambda u: np.zeros_like(u), (0.0, 1.0))
    raise SystemExit("unknown transfer " + name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--tol", type=float, default=1e-7)
    a = ap.parse_args()
    meta = json.load(open(os.path.join(a.dir, "meta.json")))
    sizes = [int(s) for s in meta["net"].split("-")]
    L = len(sizes) - 1
    eps = meta["epsilon"]
    rho, drho, d2rho, rails = curves(meta["transfer"])
    W = [np.load(os.path.join(a.dir, f"W{l}.npy")) for l in range(1, L + 1)]
    b = [np.load(os.path.join(a.dir, f"b{l}.npy")) for l in range(1, L + 1)]
    X = np.load(os.path.join(a.dir, "inputs.npy"))
    Y = np.load(os.path.join(a.dir, "targets.npy"))
    off = np.concatenate([[0], np.cumsum(sizes[1:])])

    def slope(u):  # units on a clipping rail are constants of the equilibrium
        d = drho(u)
        if rails is not None:
            d = np.where((u <= rails[0]) | (u >= rails[1]), 0.0, d)
        return d

    def drives(u, x):
        r = [x] + [rho(v) for v in u]
        s = []
        for l in range(1, L + 1):
            d = W[l - 1] @ r[l - 1] + b[l - 1]
            if l < L:
                d = d + W[l].T @ r[l + 1]
            s.append(d)
        return r, s

    def hessian(u, x):
        r, s = drives(u, x)
        n = off[-1]
        H = np.zeros((n, n))
        for l in range(1, L + 1):
            i0 = off[l - 1]
            diag = 1 - (0 if rails is not None else d2rho(u[l - 1]) * s[l - 1])
            H[i0:i0 + sizes[l], i0:i0 + sizes[l]] += np.diag(np.broadcast_to(diag, (sizes[l],)))
            if l < L:
                j0 = off[l]
                block = -(slope(u[l - 1])[:, None] * W[l].T * slope(u[l])[None, :])
                H[i0:i0 + sizes[l], j0:j0 + sizes[l + 1]] = block
                H[j0:j0 + sizes[l + 1], i0:i0 + sizes[l]] = block.T
        return H

    def equilibrium(x):
        u = [np.zeros(n) for n in sizes[1:]]
        for _ in range(200000):
            r, s = drives(u, x)
            new = [v + eps * (-v + drho(v) * d) for v, d in zip(u, s)]
            if rails is not None:
                new = [np.clip(v, *rails) for v in new]
            change = max(np.max(np.abs(n - v)) for n, v in zip(new, u))
            u = new
            if change < 1e-13:
                break
        if rails is None:
            for _ in range(8):
                r, s = drives(u, x)
                g = np.concatenate([v - drho(v) * d for v, d in zip(u, s)])
                if np.max(np.abs(g)) < 1e-15:
                    break
                delta = np.linalg.solve(hessian(u, x), g)
                u = [v - delta[off[l]:off[l + 1]] for l, v in enumerate(u)]
        return u

    B = X.shape[0]
    gW = [np.zeros_like(w) for w in W]
    gb = [np.zeros_like(v) for v in b]
    for k in range(B):
        x, y = X[k], Y[k]
        u = equilibrium(x)
        r = [x] + [rho(v) for v in u]
        dC = np.zeros(off[-1])
        dC[off[L - 1]:] = slope(u[L - 1]) * (r[L] - y)
        lam = np.linalg.solve(hessian(u, x), dC)
        v = [lam[off[l]:off[l + 1]] * slope(u[l]) for l in range(L)]  # lambda_l * rho'_l
        for l in range(1, L + 1):
            gW[l - 1] += np.outer(v[l - 1], r[l - 1]) / B
            if l > 1:
                gW[l - 1] += np.outer(r[l], v[l - 2]) / B
            gb[l - 1] += v[l - 1] / B

    worst = 0.0
    for l in range(1, L + 1):
        ref_w = np.load(os.path.join(a.dir, f"implicit_dW{l}.npy"))
        ref_b = np.load(os.path.join(a.dir, f"implicit_db{l}.npy"))
        mine = np.concatenate([gW[l - 1].ravel(), gb[l - 1]])
        theirs = np.concatenate([ref_w.ravel(), ref_b])
        err = np.linalg.norm(mine - theirs) / np.linalg.norm(mine)
        worst = max(worst, err)
        print(f"layer {l}: numpy implicit gradient vs epsim's: relative error {err:.3e}")
    ok = worst <= a.tol
    print("OK" if ok else f"FAIL: {worst:.3e} > {a.tol:g}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
