"""parse_files itself: the process pool (same result, progress, a helper that dies), module_of, gc."""

from __future__ import annotations

import gc
import os

import pytest

from minions.parsing import parse as parse_module
from minions.parsing import parse_files
from minions.parsing.languages import new_unit
from minions.parsing.parse import module_of
from minions.records import CodeUnit, SourceFile


@pytest.fixture(scope="module")
def acme_files():
    from helpers import ROOT
    from minions.sources.collect import collect

    files, _ = collect(ROOT / "examples" / "acme-shop")
    return files


def _dump(result):
    return [u.model_dump() for u in result.units], result.skipped, result.summary()


def test_three_processes_give_the_same_result_and_report_every_file(acme_files, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    ticks = []
    three = parse_files(acme_files, workers=3, progress=lambda: ticks.append(1))
    assert _dump(three) == _dump(parse_files(acme_files, workers=1))
    assert len(ticks) == len(acme_files)
    assert list(tmp_path.iterdir()) == []  # the helpers' result files are gone


def test_a_helper_that_dies_leaves_its_chunks_to_this_process(acme_files, monkeypatch):
    parent, real = os.getpid(), parse_module._parse_chunk

    def dying(*job):
        if os.getpid() != parent:
            os._exit(1)  # a helper killed mid-run (out of memory, say)
        return real(*job)

    monkeypatch.setattr(parse_module, "_parse_chunk", dying)
    assert _dump(parse_files(acme_files, workers=2)) == _dump(parse_files(acme_files, workers=1))


def test_the_collector_is_paused_while_parsing_and_back_after(acme_files, monkeypatch):
    seen = []
    real = parse_module._parse_one

    def spy(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(parse_module, "_parse_one", spy)
    assert gc.isenabled()
    parse_files(acme_files[:5])
    assert seen and not any(seen) and gc.isenabled()


@pytest.mark.parametrize(
    ("path", "build_dirs", "module"),
    [
        ("a.java", set(), ""),
        ("src/A.java", set(), "src"),
        ("src/A.java", {"."}, ""),  # a build file at the root: one module, the root
        ("svc/src/main/A.java", {".", "svc"}, "svc"),  # the nearest build folder
        ("x/y/z/q.py", {"x/y"}, "x/y"),
        ("x/y/z/q.py", {"x/y/z/q"}, "x"),  # not a parent: the top-level folder
        ("lib/a/b.go", {"lib/a", "lib"}, "lib/a"),
    ],
)
def test_module_of(path, build_dirs, module):
    assert module_of(path, build_dirs) == module


def test_an_error_in_this_process_stops_the_helpers_and_leaves_no_files(acme_files, tmp_path, monkeypatch):
    import multiprocessing

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    calls = []

    def failing_progress():
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("progress display broke")

    with pytest.raises(RuntimeError, match="progress display broke"):
        parse_files(acme_files, workers=3, progress=failing_progress)
    assert multiprocessing.active_children() == []
    assert list(tmp_path.iterdir()) == []


def test_a_doc_comment_is_found_across_unicode_whitespace():
    """Review finding: only ASCII whitespace was skipped between a doc comment and its declaration."""
    from minions.records import SourceFile

    for gap in ("\u00a0\n", "\u3000\n", "\n\u2028", " \n\t"):
        src = f"/** Doubles a price. */{gap}export function double(p: number): number {{\n  return p * 2;\n}}\n"
        (unit,) = parse_files([SourceFile.from_raw("r", "c", "src/price.ts", src, "typescript")]).units
        assert unit.doc == "/** Doubles a price. */", repr(gap)
    src = "/** Doubles. */ x;\nexport function double(p: number): number {\n  return p * 2;\n}\n"
    units = parse_files([SourceFile.from_raw("r", "c", "src/price.ts", src, "typescript")]).units
    assert [u.doc for u in units if u.name == "double"] == [""], "code between: not its doc"


def test_every_unit_is_the_one_validation_would_make(acme_files):
    """make_unit builds units without pydantic's validation (`new_unit`): every language's units must
    be what validating the same values gives (types, defaults, the fields given)."""
    go = "package orders\n\ntype Service struct{ repo Repo }\n\nfunc (s *Service) Cancel() error { return nil }\n"
    units = parse_files([*acme_files, SourceFile.from_raw("r", "c", "orders/service.go", go, "go")]).units
    assert {u.lang for u in units} >= {"java", "kotlin", "python", "typescript", "go", "xml"}
    for u in units:
        again = CodeUnit(**{name: getattr(u, name) for name in u.model_fields_set})
        assert again == u and again.model_fields_set == u.model_fields_set, u.id
        assert list(again.__dict__) == list(u.__dict__)  # the field order model_dump writes


def test_new_unit_refuses_an_unknown_field():
    with pytest.raises(TypeError, match="colour"):
        new_unit(id="x", colour="red")
