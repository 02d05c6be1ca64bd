"""The markdown report: a header saying what ran where, one table per case, a goal summary."""

from __future__ import annotations

from .results import Case, Row


def _num(v: float) -> str:
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def _cells(case: Case, row: Row) -> list[str]:
    if row.timing is None:
        return [row.library, row.status, "", "", "", "", row.note]
    ratio = case.ratio(row)
    if case.unit.startswith("bytes"):          # a memory row: no timing to check
        return [row.library, _num(row.timing.best * case.scale), "", f"{ratio:.2f}",
                row.check or "—", "", row.note]
    cpu = f"{row.timing.cpu_per_wall:.2f}"
    if row.timing.cpu_per_wall > 1.1:
        cpu += " (more than one core!)"
    elif row.timing.cpu_per_wall < 0.9:
        cpu += " (busy machine)"
    return [row.library, _num(row.timing.best * case.scale), _num(row.timing.median * case.scale),
            "" if ratio is None else f"{ratio:.2f}", row.check or "—", cpu, row.note]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return lines


def case_table(n: int, case: Case) -> list[str]:
    header = ["library", f"{case.unit} (best)", "median", f"× {case.baseline}",
              "gradient check", "CPU/wall", "note"]
    lines = [f"### {n}. {case.title}", "", f"Goal: {case.goal_text}.", ""]
    return lines + _table(header, [_cells(case, r) for r in case.rows]) + [""]


def summary(cases: list[tuple[int, Case]]) -> list[str]:
    rows = []
    for n, case in cases:
        row = case.row(case.goal_row)
        ratio = None if row is None else case.ratio(row)
        met = case.goal_met()
        rows.append([str(n), case.goal_text,
                     "—" if ratio is None else f"{ratio:.2f}", f"{case.limit:.1f}",
                     {True: "yes", False: "**no**", None: "not measured"}[met]])
    return ["### Goals", ""] + _table(["#", "goal", "measured ratio", "limit", "met"], rows) + [""]


def render(cases: list[tuple[int, Case]], header: list[tuple[str, str]]) -> str:
    """The whole report; ``cases`` are (number, case) pairs, numbered as in the README."""
    lines = ["## Core benchmark", ""]
    lines += [f"- {k}: {v}" for k, v in header] + [""]
    lines += summary(cases)
    for n, case in cases:
        lines += case_table(n, case)
    return "\n".join(lines)
