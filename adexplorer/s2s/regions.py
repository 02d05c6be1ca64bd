"""Questions about the region tree (``SSAFunction.body``) that both passes ask.

Early exits (``break``, ``continue``, ``return``) are *sites* numbered in program order:
``exits`` gives the sites control can leave an item by, ``falls`` whether it can reach
its end, ``decided_ifs`` the ifs whose join must remember which arm ran.
"""

from __future__ import annotations

from .ir import Block, If, Jump, Loop


def exits(item) -> set:
    """Sites through which control can leave ``item`` (a region item or a list)."""
    if isinstance(item, list):
        out = set()
        for x in item:
            out |= exits(x)
        return out
    if isinstance(item, Jump):
        return {item.site}
    if isinstance(item, If):
        return exits(item.then) | exits(item.orelse)
    if isinstance(item, Loop):
        return {j.site for j in returns_in(item)}
    return set()


def returns_in(item) -> list:
    """The ``return`` jumps inside ``item`` (a list, or a loop's body)."""
    out = []

    def walk(items):
        for x in items:
            if isinstance(x, Jump) and x.kind == "return":
                out.append(x)
            elif isinstance(x, If):
                walk(x.then)
                walk(x.orelse)
            elif isinstance(x, Loop):
                walk(x.body)
    walk(item.body if isinstance(item, Loop) else item)
    return out


def falls(items) -> bool:
    """Can control reach the end of ``items``?"""
    if not items:
        return True
    last = items[-1]
    if isinstance(last, Jump):
        return False
    if isinstance(last, If):
        return falls(last.then) or falls(last.orelse)
    return True


def latch_sites(loop) -> list[int]:
    """The sites that end an iteration of ``loop``: its ``continue`` jumps and falling off
    the end."""
    out = [j.site for j in loop.continues]
    if loop.end_site is not None:
        out.append(loop.end_site)
    return sorted(out)


def decided_ifs(items, joins: dict):
    """Map each ``If`` whose arms both fall through to its join block."""
    for k, item in enumerate(items):
        if isinstance(item, If):
            if falls(item.then) and falls(item.orelse) and k + 1 < len(items) \
                    and isinstance(items[k + 1], Block):
                joins[item] = items[k + 1]
            decided_ifs(item.then, joins)
            decided_ifs(item.orelse, joins)
        elif isinstance(item, Loop):
            decided_ifs(item.header, joins)
            decided_ifs(item.body, joins)
    return joins
