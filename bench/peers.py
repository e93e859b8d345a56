"""What the peers in bench/ share: the command line of the EP benchmark (784-500-10 EP, the
settings epsim's ChipBenchmark.trainingStep uses; bench/ep_torch.py, bench/ep_numpy.py) and the
timed loop (those two and bench/matmul_peak.py), so that they differ only in the library that
does the arithmetic."""
import argparse
import time


def arguments(threads, dtype, dtypes=None):
    """The peers' options; {@code threads} and {@code dtype} are the peer's defaults."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--free", type=int, default=20)
    ap.add_argument("--nudge", type=int, default=4)
    ap.add_argument("--beta", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=threads)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--dtype", default=dtype, choices=dtypes)
    return ap.parse_args()


def calls_per_second(f, seconds, warmup):
    """Calls of f a second over {@code seconds} of calls, after {@code warmup} calls."""
    for _ in range(warmup):
        f()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        f()
        n += 1
    return n / (time.perf_counter() - start)


def samples_per_second(train_step, batch, seconds):
    """Training samples a second over {@code seconds} of steps, after 5 steps of warm-up."""
    return batch * calls_per_second(train_step, seconds, 5)
