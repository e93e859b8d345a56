#!/usr/bin/env python3
"""Train a small network with Equilibrium Propagation by talking to an epsim chip.

Standard library only. The learning rule runs here, in the host; the chip (``epsim serve``, a real
chip's driver, or anything else that speaks docs/cosim-protocol.md) only relaxes, reads and
programs. The task: noisy copies of four random binary prototypes over 16 inputs.

    python3 docs/examples/ep_client.py --exec "./epsim serve --stdio --model ideal --net 16-12-4"
    python3 docs/examples/ep_client.py --tcp 127.0.0.1:5555      # against 'epsim serve --port 5555'
"""
import argparse
import json
import random
import shlex
import socket
import subprocess
import sys


class Chip:
    """One protocol session; every call returns the reply or raises on an error reply."""

    def __init__(self, reader, writer, close):
        self.reader, self.writer, self._close = reader, writer, close
        self.next_id = 1

    def call(self, op, **fields):
        request = dict(fields, op=op, id=self.next_id)
        self.next_id += 1
        self.writer.write(json.dumps(request) + "\n")
        self.writer.flush()
        line = self.reader.readline()
        if not line:
            raise RuntimeError("the chip closed the connection")
        reply = json.loads(line)
        if not reply.get("ok"):
            raise RuntimeError("chip error: " + reply.get("error", "?"))
        return reply

    def close(self):
        try:
            self.call("close")
        finally:
            self._close()


def open_exec(command):
    p = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    return Chip(p.stdout, p.stdin, lambda: (p.stdin.close(), p.wait(timeout=10)))


def open_tcp(address):
    host, port = address.rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=60)
    f = s.makefile("rw", encoding="utf-8", newline="\n")
    return Chip(f, f, s.close)


def make_task(rng, n_in, classes, count):
    prototypes = [[rng.random() < 0.5 for _ in range(n_in)] for _ in range(classes)]
    data = []
    for _ in range(count):
        c = rng.randrange(classes)
        x = [(0.9 if bit else 0.1) + rng.gauss(0, 0.15) for bit in prototypes[c]]
        data.append(([min(1.0, max(0.0, v)) for v in x], c))
    return data


def read_all(chip, layers):
    return [chip.call("read", layer=l)["values"] for l in range(layers + 1)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--exec", help="command that serves the protocol on stdin/stdout")
    where.add_argument("--tcp", help="HOST:PORT of a serving chip")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--beta", type=float, default=0.5)
    ap.add_argument("--lr", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    chip = open_exec(args.exec) if args.exec else open_tcp(args.tcp)
    hello = chip.call("hello", protocol=1)
    sizes = hello["topology"]
    layers = len(sizes) - 1
    n_in, n_out = sizes[0], sizes[-1]
    print(f"chip: {hello['server']}, topology {'-'.join(map(str, sizes))}, model {hello['model']['name']}")

    rng = random.Random(args.seed)
    task = make_task(rng, n_in, n_out, 400)
    train, test = task[:300], task[300:]
    batch = 10

    def relax(steps=60):
        return chip.call("relax", steps=steps, tolerance=1e-6)["steps"]

    def predict(xs):
        chip.call("set_inputs", batch=len(xs), inputs=[v for x in xs for v in x])
        chip.call("set_nudge", beta=0)
        chip.call("reset")
        relax()
        out = chip.call("read", layer=layers)["values"]
        return [max(range(n_out), key=lambda i: out[b * n_out + i]) for b in range(len(xs))]

    def accuracy(data):
        right = 0
        for i in range(0, len(data), 50):
            chunk = data[i:i + 50]
            right += sum(p == c for p, (_, c) in zip(predict([x for x, _ in chunk]), chunk))
        return right / len(data)

    print(f"before training: test accuracy {accuracy(test):.2%}")
    for epoch in range(1, args.epochs + 1):
        rng.shuffle(train)
        for i in range(0, len(train), batch):
            chunk = train[i:i + batch]
            b = len(chunk)
            xs = [v for x, _ in chunk for v in x]
            ys = [1.0 if j == c else 0.0 for _, c in chunk for j in range(n_out)]
            chip.call("set_inputs", batch=b, inputs=xs)
            chip.call("set_nudge", beta=0)
            chip.call("reset")
            relax()
            free = chip.call("save_state")["state"]
            phases = []
            for beta in (args.beta, -args.beta):          # symmetric nudging
                chip.call("restore_state", state=free)
                chip.call("set_nudge", beta=beta, target=ys)
                relax(30)
                phases.append(read_all(chip, layers))
            chip.call("drop_state", state=free)
            plus, minus = phases
            # dW_l = lr / (2 beta) * mean_b (r+_l r+_{l-1}^T - r-_l r-_{l-1}^T): the EP update, computed here
            scale = args.lr / (2 * args.beta * b)
            w, bias = [], []
            for l in range(1, layers + 1):
                n, m = sizes[l], sizes[l - 1]
                dw = [0.0] * (n * m)
                db = [0.0] * n
                for s in range(b):
                    for i_ in range(n):
                        a_p, a_m = plus[l][s * n + i_], minus[l][s * n + i_]
                        db[i_] += scale * (a_p - a_m)
                        row = i_ * m
                        for j in range(m):
                            dw[row + j] += scale * (a_p * plus[l - 1][s * m + j] - a_m * minus[l - 1][s * m + j])
                w.append(dw)
                bias.append(db)
            chip.call("program", delta={"w": w, "b": bias})
        print(f"epoch {epoch}: test accuracy {accuracy(test):.2%}")
    final = accuracy(test)
    chip.close()
    print(f"final test accuracy {final:.4f}")


if __name__ == "__main__":
    sys.exit(main())
