"""The optional NER step (scrub.ner_model): a blank spaCy pipeline with an entity ruler stands in for a
real model (none can be downloaded here); names in comments and strings go, the same words as code stay."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from helpers import MINIONS, run_cli
from minions.config import PipelineConfig
from minions.errors import UserError
from minions.records import SourceFile
from minions.scrub import ner, scrub_files, scrub_text
from minions.scrub.ner import load_recognizer, looks_like_name, prose_spans
from minions.scrub.pseudonyms import Pseudonyms
from minions.scrub.scrubber import ScrubOptions

KEY = b"minions-test-key"  # tests/conftest.py's MINIONS_SCRUB_KEY: the CLI's pseudonyms are these
PEOPLE = ["Marcus Ekdahl", "Ingrid Halvorsen", "Eleanor Vance", "李秀英"]  # Eleanor Vance is in the name lists


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    """spacy.blank("en") + an entity ruler tagging PEOPLE as PERSON, saved as a pipeline folder."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": name} for name in PEOPLE])
    ruler.add_patterns([{"label": "ORG", "pattern": "Acme Freight"}])
    folder = tmp_path_factory.mktemp("ner") / "people-ruler"
    nlp.to_disk(folder)
    return folder


def options(model_dir, **kw) -> ScrubOptions:
    return ScrubOptions(pseudonyms=Pseudonyms(KEY), recognizer=load_recognizer(str(model_dir)), **kw)


def name(value: str) -> str:
    return Pseudonyms(KEY).name(value)


def test_names_in_comments_and_strings_go_the_same_words_as_code_stay(model_dir):
    text = (
        "Marcus Ekdahl = new Marcus(); // asked by Marcus Ekdahl\n"
        'String owner = "Ingrid Halvorsen"; Acme Freight = "Acme Freight";\n'
        "/* reviewed by\n * Ingrid Halvorsen, 2024 */\n"
    )
    out, counts = scrub_text(text, options=options(model_dir), path="Order.java")
    assert out == (
        f"Marcus Ekdahl = new Marcus(); // asked by {name('Marcus Ekdahl')}\n"
        f'String owner = "{name("Ingrid Halvorsen")}"; Acme Freight = "Acme Freight";\n'
        f"/* reviewed by\n * {name('Ingrid Halvorsen')}, 2024 */\n"
    )
    assert counts == {"person-name-ner": 3}


def test_a_python_docstring_and_a_chinese_name_in_a_string(model_dir):
    text = 'def pay():\n    """Written with Marcus Ekdahl\'s help."""\n    return {"联系人": "李秀英"}\n'
    out, counts = scrub_text(text, options=options(model_dir), path="pay.py")
    helped = name("Marcus Ekdahl")
    assert out == f'def pay():\n    """Written with {helped}\'s help."""\n    return {{"联系人": "{name("李秀英")}"}}\n'
    assert counts == {"person-name-listed": 1, "person-name-ner": 1}, "the rules run first: 李秀英 is a listed name"


def test_rules_run_first_and_a_name_gets_one_pseudonym_from_either(model_dir):
    """Eleanor Vance in a comment is the name-list rule's; in a string given to no person field it is NER's;
    both become the same pseudonym, in every file."""
    opts = options(model_dir)
    files = [
        SourceFile.from_raw("shop", "c1", "A.java", '// by Eleanor Vance\nlog.info("Eleanor Vance");\n', "java"),
        SourceFile.from_raw("shop", "c1", "B.kt", 'val note = "call Marcus Ekdahl"\n', "kotlin"),
        SourceFile.from_raw("shop", "c1", "C.kt", "// Marcus Ekdahl\n", "kotlin"),
    ]
    kept, _, report = scrub_files(files, {}, [], options=opts)
    texts = {f.path: f.text for f in kept}
    assert texts["A.java"] == f'// by {name("Eleanor Vance")}\nlog.info("{name("Eleanor Vance")}");\n'
    assert texts["B.kt"] == f'val note = "call {name("Marcus Ekdahl")}"\n'
    assert texts["C.kt"] == f"// {name('Marcus Ekdahl')}\n"
    assert report.findings == {"person-name-listed": 1, "person-name-ner": 3}


def test_a_pragma_or_the_baseline_keeps_a_name_and_counts_it_allowed(model_dir):
    opts = options(model_dir)
    text = "// minions: allow\n// maintained by Ingrid Halvorsen\n# Marcus Ekdahl (minions: allow)\n"
    assert scrub_text(text, options=opts, path="x.py") == (text, {})
    assert opts.allowed == {"person-name-ner": 2}
    digest = Pseudonyms(KEY).digest("finding", "Marcus Ekdahl")[:32]
    opts = options(model_dir, baseline=frozenset({digest}))
    out, counts = scrub_text("# Marcus Ekdahl and Ingrid Halvorsen\n", options=opts, path="x.py")
    assert out == f"# Marcus Ekdahl and {name('Ingrid Halvorsen')}\n" and counts == {"person-name-ner": 1}
    assert opts.baseline_hits == 1 and opts.allowed == {"person-name-ner": 1}


def test_findings_and_the_mapping_hold_the_original_line(model_dir, fake):
    """A private key block before the name collapses into one line; the finding keeps the name's own line."""
    opts = options(model_dir, findings=[], mapping=[])
    text = f"KEY = '{fake.private_key()}'\nclass A {{}}\n// owner: Ingrid Halvorsen\n"
    out, counts = scrub_text(text, options=opts, path="A.java")
    assert counts == {"private-key": 1, "person-name-ner": 1}
    line = text.split("\n").index("// owner: Ingrid Halvorsen") + 1
    assert line > 3 and out.split("\n").index(f"// owner: {name('Ingrid Halvorsen')}") + 1 < line
    [finding] = [f for f in opts.findings if f.rule == "person-name-ner"]
    assert (finding.path, finding.line, finding.masked) == ("A.java", line, "In****en")
    [entry] = [m for m in opts.mapping if m["rule"] == "person-name-ner"]
    assert entry == {
        "rule": "person-name-ner",
        "path": "A.java",
        "line": line,
        "placeholder": name("Ingrid Halvorsen"),
        "value": "Ingrid Halvorsen",
    }


def test_the_hook_never_rewrites_a_placeholder_and_skips_file_paths():
    calls = []

    def recognizer(text: str, path: str) -> list[tuple[int, int]]:
        calls.append(path)
        words = ("person-3f2a", "by <NAME> x", "Ingrid Halvorsen")
        found = [(text.find(w), text.find(w) + len(w)) for w in words]
        return sorted(s for s in found if s[0] >= 0)

    opts = ScrubOptions(recognizer=recognizer)
    out, counts = scrub_text("# person-3f2a, by <NAME> x, Ingrid Halvorsen\n", options=opts, path="a.py")
    assert (out, counts) == ("# person-3f2a, by <NAME> x, <NAME>\n", {"person-name-ner": 1})
    raw = "Ingrid Halvorsen"
    files = [SourceFile.from_raw(raw, "c", f"docs/{raw}.py", f"# {raw}\n", "python")]
    [kept], _, _ = scrub_files(files, {}, [], options=ScrubOptions(recognizer=recognizer))
    assert (kept.text, kept.path, kept.repo) == ("# <NAME>\n", f"docs/{raw}.py", raw)
    assert calls[-1] == f"docs/{raw}.py" and len(calls) == 2, "the file's text only, not its path or repository"


def test_it_runs_before_internal_names_and_domains():
    text = "# Ann Acme at db.acme.local\n"
    start = text.index("Ann")
    opts = ScrubOptions({"acme": "example"}, ["acme.local"], recognizer=lambda t, p: [(start, start + 8)])
    out, counts = scrub_text(text, options=opts)
    assert out == "# <NAME> at internal-host.example\n"
    assert counts == {"person-name-ner": 1, "internal-host": 1}


def test_the_process_pool_gives_the_same_output_as_one_process(model_dir):
    files = [
        SourceFile.from_raw("shop", "c", f"m{i}/A.java", f"// by Marcus Ekdahl\nclass A{i} {{}}\n", "java")
        for i in range(4)
    ]
    one = scrub_files(files, {}, [], options=options(model_dir), workers=1)
    two = scrub_files(files, {}, [], options=options(model_dir), workers=2)
    assert [f.text for f in two[0]] == [f.text for f in one[0]]
    assert one[0][3].text == f"// by {name('Marcus Ekdahl')}\nclass A3 {{}}\n"
    assert two[2].findings == one[2].findings == {"person-name-ner": 4}


def test_a_threshold_above_spacys_score_finds_nothing(model_dir):
    opts = ScrubOptions(recognizer=load_recognizer(str(model_dir), 0.9))
    assert scrub_text("# Marcus Ekdahl\n", options=opts, path="a.py") == ("# Marcus Ekdahl\n", {})
    opts = ScrubOptions(recognizer=load_recognizer(str(model_dir), 0.85))
    assert scrub_text("# Marcus Ekdahl\n", options=opts, path="a.py") == ("# <NAME>\n", {"person-name-ner": 1})


def test_prose_spans_by_kind_of_file():
    def prose(text: str, path: str) -> list[str]:
        return [text[s:e] for s, e in prose_spans(text, path)]

    assert prose('x = f(a, "b c")  # d e\ny = 2 # f\n', "a.py") == ["b c", " d e", " f"]
    assert prose("s = \"a // b\"; // c\n/* d\n * e */ t = 'f';", "A.java") == ["a // b", " c", " d\n * e ", "f"]
    assert prose('"""doc\nstring"""\nx = 1\n', "a.py") == ["doc\nstring"]
    assert prose("owner: Ann Lee\n# note\nport: 80\n", "a.yml") == ["Ann Lee", " note", "80"]
    assert prose('<dev name="Ann Lee">Bo Chen</dev><!-- Cy Du -->', "pom.xml") == ["Ann Lee", "Bo Chen", " Cy Du "]
    assert prose("Thanks to Ann Lee.\n", "README.md") == ["Thanks to Ann Lee.\n"]
    assert prose("i-- ; a#b\n", "x.c") == []


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("Doug Lea", True),
        ("Jean-Luc O'Brien", True),
        ("J. Smith", True),
        ("Ana de la Cruz", True),
        ("张伟", True),
        ("Oracle", False),
        ("lock.isHeldByCurrentThread", False),
        ("poll(long", False),
        ("Doug\nLea", False),
        ("person-3f2a Lee", False),
        ("Ann lee", False),
    ],
)
def test_looks_like_name(value, ok):
    assert looks_like_name(value) is ok


def test_loading_touches_no_network(model_dir, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the NER step opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(ner, "_ENGINES", {})
    opts = ScrubOptions(recognizer=load_recognizer(str(model_dir)))
    text = '"Marcus Ekdahl, see https://docs.example.com or mail ops@shop.example.com"'
    assert scrub_text(text, options=opts, path="a.py")[1] == {"email": 1, "person-name-ner": 1}


def test_a_model_that_cannot_be_loaded_is_a_one_line_error(tmp_path, monkeypatch):
    with pytest.raises(
        UserError, match=r"'en_core_web_nope' is not installed \(no such spaCy package\).*ner_model empty"
    ):
        load_recognizer("en_core_web_nope")
    with pytest.raises(UserError, match=r"is not installed \(no such folder\)"):
        load_recognizer(str(tmp_path / "missing" / "model"))
    (tmp_path / "junk").mkdir()
    with pytest.raises(UserError, match=r"'.*junk' cannot be loaded \(.*\); name a pipeline made for spaCy 3"):
        load_recognizer(str(tmp_path / "junk"))
    import spacy

    spacy.blank("en").to_disk(tmp_path / "blank")
    with pytest.raises(UserError, match=r"tags no person names \(its pipes: none\)"):
        load_recognizer(str(tmp_path / "blank"))
    monkeypatch.setitem(sys.modules, "spacy", None)
    with pytest.raises(UserError, match=r"spaCy is not installed: pip install 'minions-lora\[ner\]'"):
        load_recognizer(str(tmp_path / "blank"), 0.4)


def test_the_config_resolves_a_model_folder_next_to_it(tmp_path, model_dir):
    from minions.config import load_config

    (tmp_path / "models").mkdir()
    model_dir_link = tmp_path / "models" / "people"
    model_dir_link.symlink_to(model_dir)
    cfg = tmp_path / "c.yaml"
    cfg.write_text("scrub:\n  ner_model: models/people\n  ner_threshold: 0.7\n")
    loaded = load_config(cfg)
    assert (loaded.scrub.ner_model, loaded.scrub.ner_threshold) == (str(model_dir_link.resolve()), 0.7)
    assert PipelineConfig().scrub.ner_model == "", "off by default"
    cfg.write_text("scrub:\n  ner_threshold: 2\n")
    with pytest.raises(UserError, match="ner_threshold"):
        load_config(cfg)


def write_src(tmp_path):
    src = tmp_path / "shop"
    (src / "pay").mkdir(parents=True)
    (src / "pay" / "Pay.java").write_text('class Pay {\n  // Ingrid Halvorsen owns this\n  String a = "x";\n}\n')
    (src / "pay" / "notes.py").write_text('NOTE = "ask Marcus Ekdahl"\n')
    return src


def test_scrub_command_with_a_model_end_to_end(tmp_path, model_dir):
    src = write_src(tmp_path)
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(f"scrub:\n  ner_model: {model_dir}\n  workers: 2\n")
    out = tmp_path / "out"
    p = run_cli("scrub", str(src), "--out", str(out), "--config", str(cfg), "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["findings"] == {"person-name-ner": 2}
    assert (out / "files" / "pay" / "Pay.java").read_text() == (
        f'class Pay {{\n  // {name("Ingrid Halvorsen")} owns this\n  String a = "x";\n}}\n'
    )
    assert (out / "files" / "pay" / "notes.py").read_text() == f'NOTE = "ask {name("Marcus Ekdahl")}"\n'
    review = run_cli("scrub", str(src), "--review", "--json", "--config", str(cfg))
    assert review.returncode == 0, review.stderr
    rows = json.loads(review.stdout)
    assert [(r["rule"], r["path"], r["line"]) for r in rows] == [
        ("person-name-ner", "pay/Pay.java", 2),
        ("person-name-ner", "pay/notes.py", 1),
    ]


def test_scrub_command_with_a_missing_model_fails_with_the_fix(tmp_path):
    src = write_src(tmp_path)
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("scrub:\n  ner_model: en_core_web_sm_missing\n")
    p = run_cli("scrub", str(src), "--out", str(tmp_path / "out"), "--config", str(cfg))
    assert p.returncode == 2
    assert p.stderr.strip().splitlines() == [
        "error: scrub.ner_model 'en_core_web_sm_missing' is not installed (no such spaCy package): pip install the "
        "pipeline's package, or save one with nlp.to_disk and name its folder, or leave ner_model empty"
    ]
    assert not (tmp_path / "out" / "scrub-report.json").exists()


def test_with_ner_off_spacy_is_never_imported_and_names_stay(tmp_path):
    src = write_src(tmp_path)
    out = tmp_path / "out"
    code = (
        "import sys\nfrom minions.cli.main import main\n"
        f"sys.argv = ['minions', 'scrub', {str(src)!r}, '--out', {str(out)!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print(sorted(m for m in ('spacy', 'presidio_analyzer', 'thinc') if m in sys.modules))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "[]"
    assert (out / "files" / "pay" / "notes.py").read_text() == 'NOTE = "ask Marcus Ekdahl"\n'
    assert MINIONS[0] == sys.executable  # the same interpreter as the CLI tests


def test_build_runs_the_ner_step_it_is_configured_with(git_repo, tmp_path, model_dir):
    """`minions build` and `minions run` (which builds) scrub with the config's model; a missing one stops them."""
    from minions.config import SourceConfig
    from minions.pipeline.build import build_dataset
    from minions.workspace import read_json_objects

    method = "    public long total(long a) {{\n        // rounding as Ingrid Halvorsen asked\n"
    method += "        return a + {i};\n    }}\n"
    files = {f"src/P{i}.java": f"class P{i} {{\n{method.format(i=i)}}}\n" for i in range(6)}
    cfg = PipelineConfig(
        sources=[SourceConfig(path=git_repo(files))],
        scrub={"ner_model": str(model_dir)},
        split={"eval_share": 0.3},
        tasks={"names": ["implement-method"]},
        filters={"dedup": "none", "decontaminate": None},
    )
    out = tmp_path / "ds"
    out.mkdir()
    manifest = build_dataset(cfg, out)
    records = [r for split in ("train", "eval") for _, r in read_json_objects(out / f"{split}.jsonl")]
    assert records and all("// rounding as <NAME> asked" in r["output"] for r in records)
    assert manifest["summary"]["scrub_findings"] == 6
    bad = cfg.model_copy(update={"scrub": cfg.scrub.model_copy(update={"ner_model": str(tmp_path / "nope")})})
    with pytest.raises(UserError, match="is not installed"):
        build_dataset(bad, tmp_path / "ds")
