"""What the EP peers (bench/ep_torch.py, bench/ep_numpy.py) share: the command line of one
benchmark (784-500-10 EP, the settings epsim's ChipBenchmark.trainingStep uses) and the timed
loop, so that the peers differ only in the library that does the arithmetic."""
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


def samples_per_second(train_step, batch, seconds):
    """Training samples a second over {@code seconds} of steps, after 5 steps of warm-up."""
    for _ in range(5):
        train_step()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        train_step()
        n += 1
    return n * batch / (time.perf_counter() - start)
