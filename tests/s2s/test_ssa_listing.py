"""The SSA listing (``print(ad.ssa(f))``), its HTML and its control-flow graph.

Golden texts are written from the spec: Zygote-style numbered blocks, φ nodes with their
incoming blocks, ``br``/``goto``/``return``, values numbered in program order (arguments
first), each line commented with its variable and its line in this file.
"""

import networkx as nx

import adexplorer as ad
from adexplorer.s2s import LoweringError, ssa
from adexplorer.teaching.examples import pow as talk_pow


def pow(x, n):
    r = 1
    while n > 0:
        n -= 1
        r *= x
    return r


def test_talk_pow_golden_without_lines():
    # φ for n and for r at the loop header; the loop body feeds both back.
    expected = "\n".join([
        "pow(x = %1, n = %2)",
        "#1:",
        "  goto #2",
        "#2:",
        "  %3 = φ(#1 => %2, #3 => %6)   # n",
        "  %4 = φ(#1 => 1, #3 => %7)    # r",
        "  %5 = %3 > 0",
        "  br %5, #3, #4",
        "#3:",
        "  %6 = %3 - 1                  # n",
        "  %7 = %4 * %1                 # r",
        "  goto #2",
        "#4:",
        "  return %4",
    ])
    assert ssa(pow).text(lines=False) == expected


def test_talk_pow_golden_with_source_lines():
    d = pow.__code__.co_firstlineno          # the def line; the body follows it
    w, dec, mul, ret = d + 2, d + 3, d + 4, d + 5
    expected = "\n".join([
        "pow(x = %1, n = %2)",
        "#1:",
        f"  goto #2                      # line {w}",
        "#2:",
        f"  %3 = φ(#1 => %2, #3 => %6)   # n, line {w}",
        f"  %4 = φ(#1 => 1, #3 => %7)    # r, line {w}",
        f"  %5 = %3 > 0                  # line {w}",
        f"  br %5, #3, #4                # line {w}",
        "#3:",
        f"  %6 = %3 - 1                  # n, line {dec}",
        f"  %7 = %4 * %1                 # r, line {mul}",
        f"  goto #2                      # line {w}",
        "#4:",
        f"  return %4                    # line {ret}",
    ])
    assert str(ad.ssa(pow)) == expected


def test_every_statement_remembers_its_line_in_the_users_file():
    f = ssa(pow)
    d = pow.__code__.co_firstlineno
    lines = [s.line for s in f.statements()]
    assert lines == [d + 2, d + 3, d + 4]
    assert f.filename == __file__
    assert "r *= x" in f.source_lines[d + 4]


def test_the_examples_pow_is_the_talks_pow():
    assert ssa(talk_pow).text(lines=False) == ssa(pow).text(lines=False)


def test_html_colours_blocks_phis_keywords_and_values():
    page = ssa(pow)._repr_html_()
    assert page.startswith('<pre class="adexplorer-ssa"')
    assert '<b style="color:#1f5fa8">#2:</b>' in page
    assert '<b style="color:#8e44ad">φ</b>' in page
    for keyword in ("br", "goto", "return"):
        assert f'font-weight:bold">{keyword}</span>' in page
    assert '<span style="color:#b03a2e">%4</span>' in page
    assert '<span style="color:#888">' in page        # the comments


def test_control_flow_graph():
    g = ssa(pow).to_networkx()
    assert isinstance(g, nx.DiGraph)
    assert sorted(g.nodes) == [1, 2, 3, 4]
    assert {(a, b): d["kind"] for a, b, d in g.edges(data=True)} == {
        (1, 2): "goto", (2, 3): "true", (2, 4): "false", (3, 2): "goto"}
    assert [(a, b) for a, b, d in g.edges(data=True) if d["back"]] == [(3, 2)]
    assert g.nodes[2]["phis"] == ["%3 = φ(#1 => %2, #3 => %6)", "%4 = φ(#1 => 1, #3 => %7)"]
    assert g.nodes[3]["statements"] == ["%6 = %3 - 1", "%7 = %4 * %1"]
    assert g.nodes[4]["terminator"] == "return %4"
    assert g.graph["entry"] == 1


def test_size_is_fixed_while_the_tape_grows():
    table = ad.tape_vs_ssa(ns=(1, 10, 100))
    assert table.n == [1, 10, 100]
    assert table.tape == [1, 10, 100]      # r * x once per iteration (not the counter n - 1)
    assert table.ssa == [ssa(talk_pow).size] * 3 == [9] * 3
    assert "tape: ops on x" in str(table) and "<table>" in table._repr_html_()


def branchy(x):
    if x > 0:
        y = x * 2
    elif x < -1:
        return -x
    else:
        y = x * x
    return y + 1


def test_if_elif_else_joins_with_a_phi_and_an_early_return():
    text = ssa(branchy).text(lines=False)
    assert text == "\n".join([
        "branchy(x = %1)",
        "#1:",
        "  %2 = %1 > 0",
        "  br %2, #2, #3",
        "#2:",
        "  %3 = %1 * 2                  # y",
        "  goto #6",
        "#3:",
        "  %4 = %1 < -1",
        "  br %4, #4, #5",
        "#4:",
        "  %5 = -%1",
        "  return %5",
        "#5:",
        "  %6 = %1 * %1                 # y",
        "  goto #6",                        # the elif's join only jumps: not printed
        "#6:",
        "  %7 = φ(#2 => %3, #5 => %6)   # y",
        "  %8 = %7 + 1",
        "  return %8",
    ])


def fib_like(a, b, n):
    for k in range(2, n, 3):
        a, b = b, a + b
    return a


def test_for_range_keeps_a_counter_phi_and_steps_it_at_the_end_of_the_body():
    # The lowering steps the counter in a latch block of its own; with no continue it is
    # reached from the body alone, so the listing prints it as the body's last line.
    text = ssa(fib_like).text(lines=False)
    assert text == "\n".join([
        "fib_like(a = %1, b = %2, n = %3)",
        "#1:",
        "  goto #2",
        "#2:",
        "  %4 = φ(#1 => 2, #3 => %9)    # k",
        "  %5 = φ(#1 => %1, #3 => %6)   # a",
        "  %6 = φ(#1 => %2, #3 => %8)   # b",
        "  %7 = %4 < %3",
        "  br %7, #3, #4",
        "#3:",
        "  %8 = %5 + %6                 # b",
        "  %9 = %4 + 3                  # k",
        "  goto #2",
        "#4:",
        "  return %5",
    ])
    assert len(ssa(fib_like).blocks) == 5              # the lowering keeps the latch


def search(x, n):
    i = 0
    while True:
        i += 1
        if i > n:
            break
        if i % 2 == 0:
            continue
        x = x * 1.5
    return x


def test_break_and_continue_go_to_the_exit_and_the_latch():
    f = ssa(search)
    loop = f.loops()[0]
    assert [j.kind for j in loop.breaks] == ["break"]
    assert [j.kind for j in loop.continues] == ["continue"]
    assert loop.latch is not None                 # continue and the body's end meet there
    assert loop.landing is not None               # the normal exit, apart from the break
    latch = loop.latch
    assert [p.target.hint for p in latch.phis] == ["x"]
    assert {b.number for b in latch.preds} == {j.block.number for j in loop.continues} | {
        latch.preds[-1].number}
    text = f.text(lines=False)
    # while True: the branch on a constant is a goto, its exit block unreachable, and
    # the blocks that only jump are bypassed (Zygote's IR shows none of them).
    assert "br True" not in text and "goto #2\n#2:\n  %3 = φ" in text
    assert text.endswith("  br %6, #6, #3\n#3:\n  %7 = %5 % 2\n  %8 = %7 == 0\n"
                         "  br %8, #5, #4\n#4:\n  %9 = %4 * 1.5                 # x\n"
                         "  goto #5\n#5:\n  %10 = φ(#3 => %4, #4 => %9)   # x\n  goto #2\n"
                         "#6:\n  return %4")
    graph = f.to_networkx()
    assert sorted(graph.nodes) == [1, 2, 3, 4, 5, 6]
    assert [(a, b) for a, b, d in graph.edges(data=True) if d["back"]] == [(5, 2)]


def short(x, n):
    i = 0
    while i < n and x < 100.0:
        x = x * 2
        i += 1
    return x


def test_and_short_circuits_through_its_own_blocks():
    text = ssa(short).text(lines=False)
    assert "  %6 = %3 < 100.0" in text              # evaluated only when i < n
    assert "φ(#3 => %6, #2 => %5)" in text          # the value of `i < n and x < 100.0`


def unused_loop_variable(x, n):
    t = 0.0
    for i in range(n):
        t = x * i  # noqa: F841  (never read: removed with its φ)
    return x


def test_dead_values_and_their_phis_are_removed():
    text = ssa(unused_loop_variable).text(lines=False)
    assert "# t" not in text and "*" not in text


def pow_early(x, n):
    r = 1.0
    while n > 0:
        r = r * x
        if r > 100.0:
            return r
        n -= 1
    return r * 2


def test_an_early_return_in_a_loop_prints_without_empty_blocks():
    assert ssa(pow_early).text(lines=False) == "\n".join([
        "pow_early(x = %1, n = %2)",
        "#1:",
        "  goto #2",
        "#2:",
        "  %3 = φ(#1 => 1.0, #5 => %6)   # r",
        "  %4 = φ(#1 => %2, #5 => %8)    # n",
        "  %5 = %4 > 0",
        "  br %5, #3, #6",
        "#3:",
        "  %6 = %3 * %1                  # r",
        "  %7 = %6 > 100.0",
        "  br %7, #4, #5",
        "#4:",
        "  return %6",
        "#5:",
        "  %8 = %4 - 1                   # n",
        "  goto #2",
        "#6:",
        "  %9 = %3 * 2",
        "  return %9",
    ])


def _zoo():
    from . import zoo
    return [getattr(zoo, name) for name in dir(zoo)
            if callable(getattr(zoo, name)) and getattr(getattr(zoo, name), "__module__", "")
            == zoo.__name__ and not name.startswith("_")]


def test_every_printed_block_does_something_and_every_phi_names_its_predecessors():
    import re
    for f in _zoo() + [branchy, fib_like, search, short, pow_early]:
        try:
            form = ssa(f)
        except LoweringError:
            continue
        graph = form.to_networkx()
        assert "br True" not in form.text() and "br False" not in form.text()
        for number, data in graph.nodes(data=True):
            if number != graph.graph["entry"]:
                assert data["phis"] or data["statements"] or not data["terminator"].startswith(
                    "goto"), (f.__name__, number)
            preds = {f"#{p}" for p in graph.predecessors(number)}
            for phi in data["phis"]:
                assert set(re.findall(r"(#\d+) =>", phi)) == preds, (f.__name__, phi)
        reachable = nx.descendants(graph, graph.graph["entry"]) | {graph.graph["entry"]}
        assert reachable == set(graph.nodes), f.__name__
