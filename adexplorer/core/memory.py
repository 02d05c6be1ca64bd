"""Keep freed array memory for reuse, so sweeps over big arrays do not page-fault: opt-in.

Reverse mode keeps every intermediate array of the forward pass alive until the reverse
pass has used it, then frees them together. With glibc's default settings the freed
blocks go back to the operating system and the next sweep faults every page in again:
on a 10^6-element function that doubled the time of a gradient. Frameworks solve this
with a caching allocator; here it is enough to ask glibc to hand out large blocks from
its heap and keep up to 256 MB of freed memory (``mallopt``), which makes plain NumPy
code faster too.

That setting belongs to the whole process, not to adexplorer, so importing adexplorer
leaves the allocator alone. Opt in with ``adexplorer.core.memory.keep_freed_memory()``,
or set the environment variable ``ADEXPLORER_KEEP_MEMORY=1`` before the import (the
benchmarks do). It applies only where glibc is the C library; ``APPLIED`` says whether it
was done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3

MMAP_THRESHOLD = 64 * 2**20     # blocks up to 64 MB come from the heap ...
TRIM_THRESHOLD = 256 * 2**20    # ... and up to 256 MB of freed heap is kept for reuse

APPLIED = False                 # has keep_freed_memory() tuned the allocator?


def keep_freed_memory() -> bool:
    """Tune glibc's allocator as described above; returns whether it was applied."""
    global APPLIED
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    done = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and \
        bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    APPLIED = APPLIED or done
    return done


if os.environ.get("ADEXPLORER_KEEP_MEMORY") == "1":
    keep_freed_memory()
