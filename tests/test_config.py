from pathlib import Path

import pytest

from helpers import ROOT
from minions.config import PipelineConfig, load_config
from minions.errors import UserError

CONFIGS = sorted((ROOT / "configs").glob("*.yaml"))


def test_there_are_shipped_configs():
    assert any(p.name == "quickstart.yaml" for p in CONFIGS)


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_shipped_config_validates_and_opens_with_a_comment(path: Path):
    cfg = load_config(path)
    assert isinstance(cfg, PipelineConfig)
    assert path.read_text().startswith("#"), "a shipped config opens with a comment saying what it does"
    for src in cfg.sources:
        assert src.path.is_absolute() and src.path.is_dir()


def test_wrong_field_names_field_and_line(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("name: x\nsources:\n  - path: .\ntrain:\n  steps: 3\n  stpes: 4\n")
    with pytest.raises(UserError, match=r"line 6: field 'train.stpes': unknown field"):
        load_config(p)


def test_wrong_value_names_field_and_line(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("name: x\nsources:\n  - path: .\nsplit:\n  eval_share: 2\n")
    with pytest.raises(UserError, match=r"line 5: field 'split.eval_share'"):
        load_config(p)


def test_bad_yaml_and_missing_file(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("name: [unclosed\n")
    with pytest.raises(UserError, match="not valid YAML"):
        load_config(p)
    with pytest.raises(UserError, match="cannot read config"):
        load_config(tmp_path / "nope.yaml")


def test_relative_source_paths_resolve_against_the_config(tmp_path):
    (tmp_path / "repo").mkdir()
    (tmp_path / "sub").mkdir()
    p = tmp_path / "sub" / "c.yaml"
    p.write_text("sources:\n  - path: ../repo\n")
    assert load_config(p).sources[0].path == (tmp_path / "repo").resolve()
    p.write_text("sources:\n  - path: ../repo\nfilters:\n  benchmarks: [../humaneval.jsonl]\n")
    assert load_config(p).filters.benchmarks == [(tmp_path / "humaneval.jsonl").resolve()]


def test_names_must_be_neutral_and_not_reserved(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("name: acme-demo\nsources:\n  - path: .\nscrub:\n  internal_names: {acme: example}\n")
    with pytest.raises(UserError, match="name contains one of scrub.internal_names") as err:
        load_config(p)
    assert "acme" not in str(err.value), "the error does not repeat the internal name"
    p.write_text("name: demo\nsources:\n  - path: .\ntrain:\n  adapter_name: Base\n")
    with pytest.raises(UserError, match=r"line 5: field 'train.adapter_name'.*reserved for the base model"):
        load_config(p)
    p.write_text("name: demo\nsources:\n  - path: .\ntrain:\n  adapter_name: ../escape\n")
    with pytest.raises(UserError, match="must be letters, digits"):
        load_config(p)
