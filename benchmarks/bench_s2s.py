#!/usr/bin/env python
"""Source to source: the gradient of the talk's ``pow(x, n)`` at n = 1000, side by side.

    python benchmarks/bench_s2s.py            # about half a minute (JAX compiles included)
    python benchmarks/bench_s2s.py --quick    # a smoke run

Rows: the slide's hand-written ``grad_pow`` (Python, the baseline), ``ad.source_grad(pow)``
(adjoint code generated from the SSA form), the tape (``ad.gradient``), HIPS autograd,
micrograd, and JAX with ``jit`` (the loop unrolled for a static n, and as ``lax.fori_loop``;
JAX cannot reverse a ``while_loop``). Then the one-time costs: generating and compiling
the adjoint, and JAX's trace + compile. Writes benchmarks/results/s2s.md. See
benchmarks/README.md, "SSA / source to source".
"""

# One compute thread for every library, set before NumPy or JAX is imported, as in
# bench_core.py; the process is pinned to one core.
import os
import sys

ONE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "JAX_PLATFORMS": "cpu",
}
os.environ.update(ONE_THREAD_ENV)
# adexplorer keeps freed memory for reuse only when asked (adexplorer/core/memory.py);
# the benchmarks ask, as a user with big arrays would.
os.environ.setdefault("ADEXPLORER_KEEP_MEMORY", "1")
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    PINNING = f"pinned to one CPU of {os.cpu_count()}"
else:
    PINNING = "not pinned (no sched_setaffinity here)"

import argparse                                              # noqa: E402
import datetime                                              # noqa: E402
import platform                                              # noqa: E402
import subprocess                                            # noqa: E402
import time                                                  # noqa: E402
from pathlib import Path                                     # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(BENCH)]      # measure this checkout's adexplorer

from _libs.libraries import load, version                   # noqa: E402
from _libs.report import case_table, summary                 # noqa: E402
from _libs.results import REFERENCE, Case, timed             # noqa: E402
from _libs.timing import Settings, first_call, measure       # noqa: E402

N, X = 1000, 1.0001            # x ** 1000 stays near 1.1: no overflow for any library
US = 1e6


def pow(x, n):                 # the talk's pow, as ad.ssa sees it
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


def grad_pow(x, n):            # the slide's grad_pow, by hand
    r = 1
    Bs = []
    while n > 0:
        Bs.append((r, x))
        r *= x
        n -= 1
    dx = 0
    dr = 1
    for i in range(len(Bs) - 1, -1, -1):
        r, x = Bs[i]
        dx += dr * r
        dr = dr * x
    return dx


def rows(settings: Settings) -> Case:
    case = Case("pow", f"gradient of pow(x, n) at x = {X}, n = {N}", unit="µs per call",
                scale=US, baseline="hand-written grad_pow (the slide)",
                goal_row="adexplorer (ad.source_grad)", limit=1.3,
                goal_text="source_grad(pow) ≤ 1.3 × the hand-written grad_pow")
    want = grad_pow(X, N)

    def adexplorer(kind):
        def setup():
            ad = load("adexplorer")
            if ad is None:
                return None
            if kind == "s2s":
                g = ad.source_grad(pow)
                return lambda: g(X, N)[0]
            return lambda: ad.gradient(pow, X, N)[0]
        return setup

    def autograd():
        ag = load("autograd")
        if ag is None:
            return None
        g = ag.grad(pow)
        return lambda: g(X, N)

    def micrograd():
        mg = load("micrograd")
        if mg is None:
            return None
        from micrograd.engine import Value
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * N + 1000))

        def fn():
            x = Value(X)
            pow(x, N).backward()
            return x.grad
        return fn

    def jax(kind):
        def setup():
            jx = load("jax")
            if jx is None:
                return None
            if kind == "unrolled":              # a Python loop, unrolled for a static n
                g = jx.jit(jx.grad(pow), static_argnums=1)
                compile_s = first_call(lambda: g(X, N).block_until_ready())
                fn = lambda: float(g(X, N))
            else:
                def pow_fori(x):
                    return jx.lax.fori_loop(0, N, lambda i, r: r * x, 1.0)
                g = jx.jit(jx.grad(pow_fori))
                compile_s = first_call(lambda: g(X).block_until_ready())
                fn = lambda: float(g(X))
            return fn, f"first call (trace + compile) {compile_s * 1e3:.0f} ms, excluded"
        return setup

    case.rows += [
        timed("hand-written grad_pow (the slide)", lambda: (lambda: grad_pow(X, N)),
              settings, REFERENCE),
        timed("adexplorer (ad.source_grad)", adexplorer("s2s"), settings, want),
        timed("adexplorer (ad.gradient, the tape)", adexplorer("tape"), settings, want),
        timed("JAX, jit, Python loop unrolled (static n)", jax("unrolled"), settings, want),
        timed("JAX, jit, lax.fori_loop", jax("fori"), settings, want),
        timed("micrograd", micrograd, settings, want),
        timed("HIPS autograd", autograd, settings, want),
    ]
    return case


def one_time_costs(settings: Settings) -> list[str]:
    """What ``source_grad`` costs once: lowering to SSA, generating and compiling code."""
    ad = load("adexplorer")
    out = ["### One-time cost of source_grad", "",
           "| step | ms (best) | median |", "|---|---|---|"]
    steps = [("ad.ssa(pow): read the source, lower to SSA", lambda: ad.ssa(pow)),
             ("ad.source_grad(pow): SSA, plan, generate, compile", lambda: ad.source_grad(pow)),
             ("ad.source_grad(pow) and its first call", lambda: ad.source_grad(pow)(X, N))]
    for label, fn in steps:
        t = measure(fn, settings)
        out.append(f"| {label} | {t.best * 1e3:.3f} | {t.median * 1e3:.3f} |")
    table = ad.tape_vs_ssa(pow, ns=(10, 100, N), x=X)
    out += ["", "Tape length vs SSA size (``ad.tape_vs_ssa``):", "", "```", str(table), "```", ""]
    return out


def _revision() -> str:
    def git(*cmd):
        return subprocess.run(["git", "-C", str(REPO), *cmd], capture_output=True,
                              text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    return commit + (" + uncommitted changes in adexplorer/"
                     if git("status", "--porcelain", "--", "adexplorer") else "")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="3 repeats of 0.05 s (smoke run)")
    p.add_argument("--out", default=str(BENCH / "results" / "s2s.md"))
    args = p.parse_args(argv)
    settings = Settings(repeat=3, min_time=0.05) if args.quick else Settings()
    for name in ("adexplorer", "jax", "autograd", "micrograd"):
        try:
            load(name)
        except Exception as exc:                  # reported in that library's rows
            print(f"warning: {name} fails to import: {exc!r}", file=sys.stderr)
    started = time.perf_counter()
    case = rows(settings)
    header = [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("command", " ".join(["python benchmarks/bench_s2s.py", *argv])),
        ("machine", f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
                    f"{platform.system()}; Python {platform.python_version()}"),
        ("threads", f"{PINNING}; " + ", ".join(f"{k}={v}" for k, v in ONE_THREAD_ENV.items()
                                               if k != "JAX_PLATFORMS")),
        ("timing", f"after a warm-up, the best (and median) of at least {settings.repeat} "
                   f"samples of at least {settings.min_time} s; garbage collector on"),
        ("adexplorer", _revision()),
        ("versions", ", ".join(f"{n} {version(n)}" for n in
                               ("adexplorer", "numpy", "jax", "autograd", "micrograd"))),
    ]
    lines = ["## SSA / source to source benchmark", ""] + [f"- {k}: {v}" for k, v in header]
    lines += [""] + summary([(1, case)]) + case_table(1, case) + one_time_costs(settings)
    text = "\n".join(lines)
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    print(f"written to {out} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
