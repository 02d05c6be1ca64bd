"""The memory meter of a tape: live entries and bytes per step of both sweeps, and the
peak. Expected counts are read off the programs: ``pow(x, n)`` records x and n products."""

from math import ceil, isqrt

import numpy as np
import pytest

import adexplorer as ad
from adexplorer.core.tape_memory import Usage, tape_memory
from adexplorer.teaching.examples import pow
from adexplorer.viz.memoryplot import pow_checkpointed


@pytest.mark.parametrize("n", [1, 5, 100])
def test_the_tape_of_pow_grows_by_one_entry_per_multiplication(n):
    m = tape_memory(ad.trace(lambda x: pow(x, n), 1.01))
    # entries: x, then r = 1 * x, r = r * x, ... (n products)
    assert [u.entries for u in m.forward] == list(range(1, n + 2))
    # 8 bytes per float kept; the first product also keeps its constant 1
    assert m.forward[-1].bytes == 8 * (n + 1) + 8
    # the reverse sweep frees each entry once it has passed it: n + 1, n, ..., 1
    assert [u.entries for u in reversed(m.reverse)] == list(range(n + 1, 0, -1))
    assert m.peak == Usage(n + 1, 8 * n + 16)
    assert m.peak_forward == m.peak_reverse == m.peak
    # the names code written before "reverse" was the word still work
    assert m.backward is m.reverse and m.peak_backward is m.peak_reverse


def test_arrays_count_their_bytes():
    x = np.ones(50)
    m = tape_memory(ad.trace(lambda x: ad.sum(ad.sin(x) * 2.0), x))
    # x (400 bytes), sin(x) (400), sin(x) * 2.0 (400 + 8 for the constant), the sum (8)
    assert [u.bytes for u in m.forward] == [400, 800, 1208, 1216]


def expected_checkpoint_peak(n: int) -> int:
    """Segments of k = ⌊√n⌋ products: the tape keeps x and one entry per segment; at
    segment j (entry j) the sweep records it again: inputs r, x, k and its k_j products."""
    every = isqrt(n)
    ks = [min(every, n - every * j) for j in range(ceil(n / every))]
    return max(j + 1 + 3 + k for j, k in enumerate(ks, start=1))


@pytest.mark.parametrize("n", [16, 100, 1000])
def test_checkpointing_every_sqrt_n_iterations_keeps_about_2_sqrt_n_entries(n):
    m = tape_memory(ad.trace(lambda x: pow_checkpointed(x, n), 1.0001))
    segments = ceil(n / isqrt(n))
    assert m.peak_forward.entries == 1 + segments       # x and one row per segment
    assert m.peak.entries == expected_checkpoint_peak(n)
    assert m.peak.entries <= 2 * isqrt(n) + 8
    plain = tape_memory(ad.trace(lambda x: pow(x, n), 1.0001))
    assert m.peak.entries < plain.peak.entries and m.peak.bytes < plain.peak.bytes
    assert len(m.recomputed) == segments


def test_a_step_of_a_sweep_reads_its_node():
    t = ad.trace(lambda x: pow_checkpointed(x, 9, 3), 1.1)
    m = tape_memory(t)
    # 3 segments of 3: entries x, y1, y2, y3; each recomputation: r, x, k and 3 products
    back = t.backward_sweep()
    seed, *steps = back
    assert m.at(seed).entries == 4
    assert [m.at(s).entries for s in steps] == [4 + 6, 4 + 6, 3 + 6, 3 + 6, 2 + 6]
    assert [m.at(s).entries for s in t.forward_sweep()] == [1, 2, 3, 3, 4, 4]
    assert m.peak.entries == 10
    assert "peak: 10 entries" in str(m)


def test_the_meter_refuses_what_is_not_a_trace():
    with pytest.raises(TypeError, match="needs a Trace"):
        tape_memory(lambda x: x)
