"""Importing adexplorer leaves the C allocator alone; ``keep_freed_memory()`` (or
``ADEXPLORER_KEEP_MEMORY=1``) is the opt-in that tunes it.

Each check runs in a fresh Python and looks at glibc itself: a 48 MB ``malloc`` is served
by ``mmap`` under glibc's defaults (its threshold never rises above 32 MB on its own),
and from the heap once the threshold is 64 MB, which ``mallinfo2().hblks`` (the number of
mmapped blocks) tells apart.
"""

import ctypes
import ctypes.util
import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux")
    or not hasattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), "mallinfo2"),
    reason="needs glibc 2.33 or later (mallinfo2)")

PROBE = """
import ctypes, ctypes.util, json, os
{setup}
import adexplorer.core.memory as memory

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
                 "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
libc.mallinfo2.restype = MallInfo2
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = (ctypes.c_size_t,)
libc.free.argtypes = (ctypes.c_void_p,)
before = libc.mallinfo2().hblks
block = libc.malloc(48 * 2**20)
mmapped = libc.mallinfo2().hblks > before
libc.free(block)
print(json.dumps({{"mmapped": mmapped, "applied": memory.APPLIED}}))
"""


def _probe(setup: str = "", keep_memory: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "ADEXPLORER_KEEP_MEMORY"}
    if keep_memory is not None:
        env["ADEXPLORER_KEEP_MEMORY"] = keep_memory
    out = subprocess.run([sys.executable, "-c", PROBE.format(setup=setup)], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_importing_adexplorer_leaves_the_allocator_alone():
    result = _probe("import adexplorer")
    assert result == {"mmapped": True, "applied": False}


def test_keep_freed_memory_is_the_opt_in():
    result = _probe("import adexplorer\nadexplorer.core.memory.keep_freed_memory()")
    assert result == {"mmapped": False, "applied": True}


def test_the_environment_variable_opts_in_at_import():
    assert _probe("import adexplorer", keep_memory="1") == {"mmapped": False, "applied": True}
    assert _probe("import adexplorer", keep_memory="0") == {"mmapped": True, "applied": False}
