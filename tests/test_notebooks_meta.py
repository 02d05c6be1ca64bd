"""The tutorial notebooks as committed files: what nbval cannot see.

nbval re-runs each notebook and compares outputs; these tests check what must hold for
that comparison to mean something, and for the notebooks to be fit to publish: they are
built from tools/notebooks/ sources, fully executed in order, free of errors, warnings,
machine paths, memory addresses and widget-state blobs, and only widget or timing cells
skip the comparison. Every number the talk shows must be in a compared output. The
README must link each notebook on Binder.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IGNORE = "nbval-ignore-output"
EXERCISE_TAGS = ("exercise-answer", "exercise-check", "exercise-solution")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
TIMING = re.compile(r"\btimeit\.\w|%%?timeit\b|perf_counter\(|process_time\(|time\.time\(")
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|tmp|root|home|usr|opt|var)(?:/|\b)|"
                          r"site-packages|\b[A-Za-z]:\\[A-Za-z]")
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")
BINDER = "https://mybinder.org/v2/gh/adexplorer/adexplorer/HEAD"

# The talk's numbers, and how each must appear in a compared output.
TALK_NUMBERS = {
    "0.7580540380443495 (f'(3.))": re.compile(r"(?<![\d.])0\.7580540380443495(?!\d)"),
    "-0.7474497024968648 ((f')'(3.))": re.compile(r"(?<![\d.])-0\.7474497024968648(?!\d)"),
    "80 (g'(2))": re.compile(r"^80$"),
    "(80, None) (gradient(pow, 2, 5))": re.compile(r"^\(80, None\)$"),
    "(53, 5) (f(10), f'(10))": re.compile(r"^\(53, 5\)$"),
}


def _load_builder():
    path = ROOT / "tools" / "notebooks" / "build.py"
    spec = importlib.util.spec_from_file_location("notebook_builder", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _texts(output) -> list[str]:
    """The text an output shows (never image data)."""
    if output.output_type == "stream":
        return [output.text]
    if output.output_type == "error":
        return [output.ename, output.evalue, *output.traceback]
    data = output.get("data", {})
    return [v if isinstance(v, str) else json.dumps(v) for k, v in data.items()
            if not k.startswith("image/")]


def _code_cells(nb):
    return [(k, c) for k, c in enumerate(nb.cells) if c.cell_type == "code"]


def _is_widget_cell(cell) -> bool:
    return any(WIDGET_VIEW in o.get("data", {}) for o in cell.outputs)


def test_the_tutorial_has_seven_notebooks_numbered_00_to_06():
    numbers = [p.name[:2] for p in NOTEBOOKS]
    assert numbers == ["00", "01", "02", "03", "04", "05", "06"], numbers


def test_notebooks_are_built_from_their_sources():
    builder = _load_builder()
    sources = builder.source_files()
    assert [s.stem for s in sources] == [p.stem for p in NOTEBOOKS]
    problems = [p for s in sources for p in builder.drift(s)]
    assert not problems, "rebuild with tools/notebooks/build.py:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
class TestNotebook:

    def test_valid_with_a_python3_kernelspec_and_no_widget_state(self, path):
        nb = _read(path)
        nbformat.validate(nb)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        assert "widgets" not in nb.metadata, "stored widget state: rebuild without it"
        raw = path.read_text(encoding="utf-8")
        assert WIDGET_STATE not in raw
        for k, cell in _code_cells(nb):
            for output in cell.outputs:
                view = output.get("data", {}).get(WIDGET_VIEW)
                assert view is None or view.get("model_id") == "", \
                    f"cell {k}: a stored widget model id (no model is stored; rebuild)"

    def test_prose_first(self, path):
        nb = _read(path)
        assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")

    def test_every_code_cell_ran_once_in_order(self, path):
        counts = [c.execution_count for _, c in _code_cells(_read(path))]
        assert counts == list(range(1, len(counts) + 1)), counts

    def test_no_errors_warnings_or_tracebacks(self, path):
        for k, cell in _code_cells(_read(path)):
            for output in cell.outputs:
                assert output.output_type != "error", f"cell {k}: {output.get('ename')}"
                assert output.get("name") != "stderr", f"cell {k} wrote to stderr: " \
                    f"{output.text[:200]!r}"
                for text in _texts(output):
                    assert "Traceback" not in text, f"cell {k}: a traceback"

    def test_no_machine_paths_or_memory_addresses(self, path):
        for k, cell in enumerate(_read(path).cells):
            texts = [cell.source]
            for output in cell.get("outputs", []):
                texts += _texts(output)
            for text in texts:
                m = MACHINE_PATH.search(text)
                assert m is None, f"cell {k}: machine path {text[max(m.start()-40,0):m.end()+40]!r}"
                m = ADDRESS.search(text)
                assert m is None, f"cell {k}: memory address {m.group()} (output changes per run)"

    def test_only_widget_and_timing_cells_skip_the_comparison(self, path):
        for k, cell in _code_cells(_read(path)):
            tags = list(cell.metadata.get("tags", []))
            assert set(tags) <= {IGNORE, *EXERCISE_TAGS}, f"cell {k}: unexpected tags {tags}"
            assert not re.search(r"#\s*NBVAL_", cell.source, re.IGNORECASE), \
                f"cell {k}: use the {IGNORE} tag, not a comment"
            widget, timing = _is_widget_cell(cell), bool(TIMING.search(cell.source))
            if IGNORE in tags:
                assert widget or timing, f"cell {k} ignores its output but shows no widget " \
                    f"and times nothing: its values must be compared"
            else:
                assert not widget, f"cell {k} shows a widget: tag it {IGNORE}"
                assert not timing, f"cell {k} prints timings: tag it {IGNORE}"


def test_every_number_the_talk_shows_is_in_a_compared_output():
    found = {name: [] for name in TALK_NUMBERS}
    for path in NOTEBOOKS:
        for k, cell in _code_cells(_read(path)):
            if IGNORE in cell.metadata.get("tags", []):
                continue
            for output in cell.outputs:
                plain = output.get("data", {}).get("text/plain")
                texts = [plain] if plain is not None else []
                if output.output_type == "stream":
                    texts.append(output.text)
                for name, pattern in TALK_NUMBERS.items():
                    if any(pattern.search(t.strip() if pattern.pattern.startswith("^") else t)
                           for t in texts):
                        found[name].append(f"{path.stem} cell {k}")
    missing = [name for name, where in found.items() if not where]
    assert not missing, f"not in any compared output: {missing}"


def test_readme_links_each_notebook_on_binder():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"[![Binder](https://mybinder.org/badge_logo.svg)]({BINDER}" in readme
    for path in NOTEBOOKS:
        url = f"{BINDER}?urlpath=lab/tree/notebooks/{path.name}"
        assert f"]({url})" in readme, f"README: no Binder link for {path.name}: {url}"


# ---------------------------------------------------------------------------
# Prose a reader found wrong or unclear: each test guards one fix


def _markdown(name: str) -> str:
    nb = _read(ROOT / "notebooks" / name)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_nb01_says_what_each_line_of_the_derivative_list_is():
    """M1: nb01 claimed `dyk` is the derivative of `yk`; `dy2 = cos(y1)` is not. Its table
    now names, for each line, a local partial or the tangent of some `yk`: checked here
    against the library's own listing of 5 sin(log x)."""
    import adexplorer as ad
    from adexplorer.core.wengert import tangent_listing
    text = _markdown("01_what_is_ad.ipynb")
    assert "names the derivative of `yk`" not in text
    rows = re.findall(r"^\| `(dy\d+) = [^`]*` \| (.*) \|$", text, re.M)
    trace = ad.trace(lambda x: 5 * ad.sin(ad.log(x)), 3.0)
    info = tangent_listing(trace)
    listing = info.listing
    assert [name for name, _ in rows] == [line.target for line in listing]
    tangent_of = {info.line_of[i]: trace.nodes[i].name for i in info.line_of}
    for k, (name, meaning) in enumerate(rows):
        if k in tangent_of:
            assert f"tangent of `{tangent_of[k]}`" in meaning, (name, meaning)
        else:
            assert listing[k].kind == "partial" and "not a tangent" in meaning, (name, meaning)


def test_nb01_does_not_show_reverse_mode_before_nb03_teaches_it():
    """M7: notebook 1's %%autodiff output printed adjoint lists and both sweeps."""
    nb = _read(ROOT / "notebooks" / "01_what_is_ad.ipynb")
    shown = "\n".join(t for c in nb.cells if c.cell_type == "code"
                      and IGNORE not in c.metadata.get("tags", []) for o in c.outputs
                      for t in _texts(o))            # the printed outputs, not the widgets'
    assert "%%autodiff" in shown or "Wengert list of f'" in shown
    assert "adjoint" not in shown and "reverse sweep" not in shown and "backward sweep" not in shown and "\u0304" not in shown
    full = _read(ROOT / "notebooks" / "03_reverse_mode.ipynb")
    assert any("%%autodiff" in c.source and "--mode" not in c.source for c in full.cells
               if c.cell_type == "code")


def test_nb06_gives_the_real_reason_for_forward_over_reverse():
    """M8: 'its Jacobian in forward mode (as many outputs as inputs ...)' gave pass counts
    as the reason, but the Jacobian of the gradient is square; and Zygote's (f')' is
    reverse over reverse, not forward over reverse."""
    text = _markdown("06_differentiable_programming.ipynb")
    section = text.split("## 8. Hessians")[1].split("## 9.")[0]
    assert "as many outputs as inputs" not in section
    assert "square" in section and "tape" in section and "memory" in section
    assert "reverse mode twice" in text


# ---------------------------------------------------------------------------
# The two paths through the notebooks


def _anchor(heading: str) -> str:
    """JupyterLab's id for a markdown heading: its text, spaces as dashes."""
    return heading.lstrip("#").strip().replace("`", "").replace(" ", "-")


def _path_rows(title: str) -> list[tuple[int, str, str]]:
    """(minutes, notebook, anchor) for each row of the index's table under ``title``."""
    text = _markdown("00_index.ipynb")
    section = text.split(f"## {title}\n")[1].split("\n## ")[0]
    link = r"\(([0-9]{2}_\w+\.ipynb)(?:#((?:[^()\s]|\([^()\s]*\))*))?\)"  # (a(b)) is fine
    rows = re.findall(r"^\| (\d+) \| \[[^\]]+\]" + link, section, re.M)
    return [(int(m), nb, anchor) for m, nb, anchor in rows]


def _path_minutes(title: str) -> list[tuple[int, str]]:
    """(minutes, what) for every row of the table under ``title``, links or not (a break)."""
    text = _markdown("00_index.ipynb")
    section = text.split(f"## {title}\n")[1].split("\n## ")[0]
    return [(int(m), what) for m, what in re.findall(r"^\| (\d+) \| (.*) \|$", section, re.M)]


@pytest.mark.parametrize("title, minutes", [("A 90-minute lecture", 90),
                                            ("A 3-hour workshop", 180)])
def test_the_index_paths_name_only_sections_that_exist(title, minutes):
    rows = _path_rows(title)
    assert len(rows) >= 6, rows
    assert sum(m for m, _ in _path_minutes(title)) == minutes
    for _, name, anchor in rows:
        path = ROOT / "notebooks" / name
        assert path.exists(), name
        if anchor:
            headings = [line for c in _read(path).cells if c.cell_type == "markdown"
                        for line in c.source.splitlines() if line.startswith("#")]
            assert anchor in {_anchor(h) for h in headings}, f"{name}#{anchor}: no such section"


def test_the_workshop_has_a_break():
    assert any("break" in what.lower() and "](" not in what
               for _, what in _path_minutes("A 3-hour workshop"))


def test_the_lecture_path_covers_what_later_sections_build_on():
    """3.5 starts from 2.2's column of the Jacobian; 3.3 is where the tape's path is met."""
    anchors = [anchor for _, _, anchor in _path_rows("A 90-minute lecture")]
    assert "A-jvp-is-a-column-of-the-Jacobian" in anchors
    assert "3.-Static-and-dynamic-graphs" in anchors


def test_each_notebook_header_gives_the_minutes_of_the_index():
    """The "About N minutes" under each title is the index table's figure for it."""
    table = _markdown("00_index.ipynb").split("## A 90-minute lecture")[0]
    listed = dict(re.findall(r"^\| \d \| \[[^\]]+\]\(([0-9]{2}_\w+\.ipynb)\) \| .* \| (.+) \|$",
                             table, re.M))
    assert set(listed) == {p.name for p in NOTEBOOKS if not p.name.startswith("00")}
    for name, minutes in listed.items():
        header = re.search(r"\*About (\d+) minutes", _markdown(name))
        assert header, f"{name}: no 'About N minutes' line"
        assert minutes.split()[0] == header.group(1), (name, minutes, header.group(1))


def test_the_lecture_path_visits_every_lesson():
    assert {nb for _, nb, _ in _path_rows("A 90-minute lecture")} == \
        {p.name for p in NOTEBOOKS if not p.name.startswith("00")}


def test_explore_comes_after_both_sweeps_are_taught():
    """ad.explore shows both sweeps animated: no notebook uses it before notebook 3 ends."""
    for path in NOTEBOOKS[:3]:
        code = [c.source for c in _read(path).cells if c.cell_type == "code"]
        assert not any("ad.explore(" in c for c in code), path.name
    assert any("ad.explore(" in c.source for c in _read(NOTEBOOKS[3]).cells)


# ---------------------------------------------------------------------------
# The second edition's corrections: each test guards one


def _code(name: str) -> str:
    nb = _read(ROOT / "notebooks" / name)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def test_nb03_none_is_a_structural_zero_not_a_finite_step():
    text = _markdown("03_reverse_mode.ipynb")
    section = text.split("### What `None` means")[1].split("## 8.")[0]
    assert "is 64, not 32" not in section
    assert "structural" in section and "finite difference" in section
    outputs = [t for c in _read(ROOT / "notebooks" / "03_reverse_mode.ipynb").cells
               if c.cell_type == "code" and "constant" in c.source for o in c.outputs
               for t in _texts(o)]
    assert "(0.0, (None,))" in outputs        # derivative 0.0, gradient None


def test_nb03_the_recorded_path_is_the_tracing_compilers_problem():
    section = _markdown("03_reverse_mode.ipynb").split("## 3. Static")[1].split("## 4.")[0]
    assert "symbolic" in section and "torch.jit.trace" in section and "jax.jit" in section


def test_nb04_tells_primal_from_tangent_by_structure_not_by_value():
    code = _code("04_wengert_under_dual_numbers.ipynb")
    assert "primal_values" not in code and "def primal_match" in code


def test_nb05_says_the_adjoint_still_stores_a_value_per_trip():
    text = _markdown("05_source_to_source.ipynb")
    assert "the SSA form stays fixed" not in text
    assert "saves *recording*, not *memory*" in text
    assert "ad.stack_memory" in _code("05_source_to_source.ipynb")
    assert "ad.checkpoint" in _code("05_source_to_source.ipynb")


def test_nb06_one_ulp_and_the_correctly_rounded_value():
    text = _markdown("06_differentiable_programming.ipynb")
    assert "Both are." not in text
    assert "one ulp" in text and "correctly rounded" in text
    assert "zero or undefined" in text            # discrete programs, qualified
