#!/usr/bin/env python
"""Side-by-side benchmark of adexplorer's AD core against NumPy by hand, HIPS autograd, JAX,
PyTorch, micrograd and a minimal dual-number class, in one run, on one compute thread.

    python benchmarks/bench_core.py                  # the full run (a few minutes)
    python benchmarks/bench_core.py --quick          # a smoke run (less precise)
    python benchmarks/bench_core.py --only chain,forward --profile missed

It prints a markdown table of ratios and writes it to benchmarks/results/core.md.
A library that is not installed is reported as such. See benchmarks/README.md, "Core".
"""

# One compute thread for every library: the environment is set before NumPy, JAX or
# PyTorch is imported, and the process is pinned to one core (the XLA_FLAGS below do not
# stop JAX 0.10's CPU client from using a second thread; the pinning does).
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


def _pin_to_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity here); thread variables only"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to CPU {core} of {os.cpu_count()}"


PINNING = _pin_to_one_core()
if "numpy" in sys.modules:
    print("warning: NumPy was imported before the thread settings", file=sys.stderr)

import argparse                                              # noqa: E402
import datetime                                              # noqa: E402
import platform                                              # noqa: E402
import subprocess                                            # noqa: E402
from pathlib import Path                                     # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(BENCH)]      # measure this checkout's adexplorer

from _libs import array_cases, scalar_cases, tape_cases     # noqa: E402
from _libs.libraries import load, version                   # noqa: E402
from _libs.profiling import profile                          # noqa: E402
from _libs.report import case_table, render                  # noqa: E402
from _libs.timing import Settings                            # noqa: E402

# number -> (key, case); the numbers are the README's
CASES = {1: ("mlp", array_cases.mlp), 2: ("bump", array_cases.bump_sum),
         3: ("chain", scalar_cases.reverse_chain), 4: ("scalar", scalar_cases.talk_function),
         5: ("forward", scalar_cases.forward_chain), 6: ("powchain", tape_cases.reverse_powchain),
         7: ("jvp", tape_cases.forward_powchain), 8: ("loop", tape_cases.while_loop),
         9: ("memory", tape_cases.memory)}
KEYS = [key for key, _ in CASES.values()]
LIBRARIES = ["adexplorer", "numpy", "autograd", "jax", "torch", "micrograd"]


def _arguments(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="3 repeats of 0.05 s (smoke run)")
    p.add_argument("--repeat", type=int, help="repeats per row (default 7)")
    p.add_argument("--min-time", type=float, help="seconds per repeat (default 0.2)")
    p.add_argument("--cpu-time", action="store_true",
                   help="time with the process's CPU clock (for a machine shared with other "
                        "jobs; a wall-clock sample counts the time other processes ran)")
    p.add_argument("--no-freeze", action="store_true",
                   help="do not gc.freeze() older objects (as in a notebook that imported "
                        "JAX and PyTorch beside adexplorer)")
    p.add_argument("--only", default=",".join(KEYS), help=f"cases to run, from {KEYS}")
    p.add_argument("--profile", default="",
                   help="cases whose adexplorer row to profile with cProfile "
                        "(comma-separated keys, or 'missed' for missed goals)")
    p.add_argument("--out", default=str(BENCH / "results" / "core.md"))
    args = p.parse_args(argv)
    unknown = set(args.only.split(",")) - set(KEYS)
    if unknown:
        p.error(f"unknown case(s) {sorted(unknown)}; choose from {KEYS}")
    return args


def _settings(args) -> Settings:
    base = Settings(repeat=3, min_time=0.05) if args.quick else Settings()
    return Settings(repeat=args.repeat or base.repeat, min_time=args.min_time or base.min_time,
                    freeze=not args.no_freeze, cpu_clock=args.cpu_time)


def _adexplorer_revision() -> str:
    def git(*cmd):
        return subprocess.run(["git", "-C", str(REPO), *cmd], capture_output=True,
                              text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    dirty = git("status", "--porcelain", "--", "adexplorer")
    return commit + (" + uncommitted changes in adexplorer/" if dirty else "")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _header(argv, settings: Settings) -> list[tuple[str, str]]:
    versions = ", ".join(f"{name} {version(name)}" for name in LIBRARIES)
    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("command", " ".join(["python benchmarks/bench_core.py", *argv])),
        ("machine", f"{_cpu_model()}, {os.cpu_count()} CPUs, {platform.system()}; "
                    f"Python {platform.python_version()}"),
        ("threads", f"{PINNING}; " + ", ".join(f"{k}={v}" for k, v in ONE_THREAD_ENV.items()
                                               if k != "JAX_PLATFORMS")
         + "; torch.set_num_threads(1)"),
        ("timing", ("CPU time of the process; " if settings.cpu_clock else "")
                   + f"after a warm-up, the best (and median) of at least {settings.repeat} "
                   f"samples: a loop of at least {settings.min_time} s, or one call for calls "
                   "of 1 ms or more; garbage collector on, "
                   + ("older objects frozen" if settings.freeze else "nothing frozen")),
        ("adexplorer", _adexplorer_revision()),
        ("versions", versions),
    ]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _arguments(argv)
    settings = _settings(args)
    wanted = args.only.split(",")
    for name in LIBRARIES:                        # import everything before timing
        try:
            load(name)
        except Exception as exc:                  # reported in each row of that library
            print(f"warning: {name} fails to import: {exc!r}", file=sys.stderr)
    done = []
    for number, (key, run) in CASES.items():
        if key not in wanted:
            continue
        print(f"running case {number} ({key}) ...", file=sys.stderr, flush=True)
        case = run(settings)
        done.append((number, case))
        print("\n".join(case_table(number, case)), file=sys.stderr, flush=True)

    text = render(done, _header(argv, settings))
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    print(f"written to {out}", file=sys.stderr)

    to_profile = {k for k in args.profile.split(",") if k}
    for number, case in done:
        if case.key in to_profile or ("missed" in to_profile and case.goal_met() is False):
            row = case.row(case.goal_row)
            if row is not None and row.fn is not None:
                print(f"\n## Profile of case {number} ({case.key}): {row.library}\n")
                print(profile(row.fn))
    return 0


if __name__ == "__main__":
    sys.exit(main())
