import pytest
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import Whitespace

from minions.config import FiltersConfig, PipelineConfig, TrainConfig
from minions.errors import UserError
from minions.filters import apply_filters, configured_filters
from minions.filters.tokens import Tokens
from minions.records import SYSTEM_PROMPT
from minions.workspace import Workspace


def write_tokenizer(path):
    """A word-level tokenizer: one token per word or punctuation mark (unknown words are [UNK])."""
    tok = Tokenizer(WordLevel({"[UNK]": 0, "return": 1, "a": 2}, unk_token="[UNK]"))
    tok.pre_tokenizer = Whitespace()
    path.parent.mkdir(parents=True, exist_ok=True)
    tok.save(str(path))
    return path


def filters_for(tmp_path, max_length=320, ws=None, **filters):
    cfg = PipelineConfig(filters=FiltersConfig(**filters), train=TrainConfig(max_length=max_length))
    return cfg.filters, configured_filters(cfg, ws)


def prose(make_record, output, **fields):
    """A domain-qa record: prose, so only the size filters read it."""
    return make_record(output, task="domain-qa", lang="markdown", **fields)


def tokens_filter(fs):
    return next(f for f in fs if f.name == "tokens")


def test_figures_count_tokens_per_field_and_per_record(tmp_path, make_record):
    path = write_tokenizer(tmp_path / "tokenizer.json")
    _, fs = filters_for(tmp_path, tokenizer=str(path))
    r = prose(make_record, "return a ;", instruction="Write it .", input="")
    figures = tokens_filter(fs).stats(r)
    assert figures.pop("setting_tokenizer") > 0  # the tokenizer's fingerprint
    words = len(SYSTEM_PROMPT.replace(".", " .").replace(":", " :").replace("'", " ' ").split())
    assert figures == {
        "instruction_tokens": 3.0,
        "input_tokens": 0.0,
        "output_tokens": 3.0,
        "record_tokens": float(words + 3 + 3),
    }


def test_records_the_training_length_would_cut_are_rejected(tmp_path, make_record):
    path = write_tokenizer(tmp_path / "tokenizer.json")
    short = prose(make_record, "return a ;\nreturn a ;", i="1")
    long = prose(make_record, " ".join(["a"] * 400) + "\nreturn a", i="2")
    t, fs = filters_for(tmp_path, max_length=320, tokenizer=str(path))
    kept, rejected = apply_filters([short, long], t, filters=fs)
    assert [r.id for r in kept] == ["r1"]
    (rej,) = rejected
    assert rej.stage == "filter:tokens"
    assert rej.reason.startswith("record has ") and rej.reason.endswith("(max 320: training would cut it)")


def test_max_tokens_overrides_the_training_length_and_template_tokens_count(tmp_path, make_record):
    path = write_tokenizer(tmp_path / "tokenizer.json")
    r = prose(make_record, "return a ;\nreturn a ;")
    total = int(tokens_filter(filters_for(tmp_path, tokenizer=str(path))[1]).stats(r)["record_tokens"])
    for template_tokens, expect_kept in ((0, True), (1, False)):
        t, fs = filters_for(tmp_path, max_length=16, tokenizer=str(path), max_tokens=total + 1)
        t = t.model_copy(update={"template_tokens": template_tokens + 1})
        kept, _ = apply_filters([r], t, filters=fs)
        assert bool(kept) is expect_kept


def test_per_field_limits(tmp_path, make_record):
    path = write_tokenizer(tmp_path / "tokenizer.json")
    r = prose(make_record, "return a ;\nreturn a ;", input="a a a a a")
    t, fs = filters_for(tmp_path, tokenizer=str(path), max_input_tokens=4)
    _, rejected = apply_filters([r], t, filters=fs)
    assert [x.reason for x in rejected] == ["input has 5 tokens (max 4)"]
    t, fs = filters_for(tmp_path, tokenizer=str(path), max_output_tokens=5)
    _, rejected = apply_filters([r], t, filters=fs)
    assert [x.reason for x in rejected] == ["output has 6 tokens (max 5)"]


def test_off_without_a_tokenizer(tmp_path, make_record):
    t, fs = filters_for(tmp_path, max_tokens=16)
    r = prose(make_record, " ".join(["a"] * 400) + "\nreturn a")
    assert set(tokens_filter(fs).stats(r).values()) == {-1.0}
    kept, _ = apply_filters([r], t, filters=fs)
    assert kept == [r]


def test_a_folder_or_a_prepared_built_in_model_names_the_tokenizer(tmp_path, make_record):
    write_tokenizer(tmp_path / "folder" / "tokenizer.json")
    r = prose(make_record, "return a ;")
    _, fs = filters_for(tmp_path, tokenizer=str(tmp_path / "folder"))
    assert tokens_filter(fs).stats(r)["output_tokens"] == 3
    ws = Workspace(tmp_path / "ws")
    write_tokenizer(ws.dir("models", "tiny", "tokenizer.json"))
    _, fs = filters_for(tmp_path, ws=ws, tokenizer="tiny")
    assert tokens_filter(fs).stats(r)["output_tokens"] == 3


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("missing/tokenizer.json", "does not exist"),
        ("not-prepared", "run `minions model prepare not-prepared`"),
        ("bad.json", "is not a tokenizer.json the tokenizers library can load"),
        ("empty-folder", "holds no tokenizer.json"),
    ],
)
def test_an_unusable_tokenizer_is_a_user_error_naming_the_field(tmp_path, monkeypatch, spec, message):
    (tmp_path / "bad.json").write_text('{"not": "a tokenizer"}')
    (tmp_path / "empty-folder").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError, match="^filters.tokenizer: ") as e:
        filters_for(tmp_path, ws=Workspace(tmp_path / "ws"), tokenizer=spec)
    assert message in str(e.value)


def test_the_registered_filter_is_off_until_configured():
    assert Tokens().tokenizer is None


def test_figures_of_another_tokenizer_are_not_reused(tmp_path, make_record):
    """A resumed build reuses stored figures only when they were measured with the same tokenizer."""
    from minions.filters import record_figures
    from minions.filters.base import same_settings

    r = prose(make_record, "return a ;")
    one = write_tokenizer(tmp_path / "one" / "tokenizer.json")
    other = tmp_path / "other" / "tokenizer.json"
    other.parent.mkdir()
    tok = Tokenizer(WordLevel({"[UNK]": 0, "return": 1}, unk_token="[UNK]"))
    tok.pre_tokenizer = Whitespace()
    tok.save(str(other))
    first = record_figures([r], filters_for(tmp_path, tokenizer=str(one))[1])[r.id]
    again = record_figures([r], filters_for(tmp_path, tokenizer=str(one))[1])[r.id]
    changed = record_figures([r], filters_for(tmp_path, tokenizer=str(other))[1])[r.id]
    assert same_settings(first, again)
    assert not same_settings(first, changed)
    assert not same_settings(first, record_figures([r])[r.id])  # the filter off now


def test_unset_it_measures_with_the_base_models_tokenizer_when_that_is_prepared(tmp_path, make_record):
    """The issue: records longer than the training length are rejected at build time by default, with
    the tokenizer the adapter will be trained with, when it is at hand without any conversion."""
    ws = Workspace(tmp_path / "ws")
    cfg = PipelineConfig(train=TrainConfig(base_model="mymodel", max_length=16))
    assert tokens_filter(configured_filters(cfg, ws)).tokenizer is None, "not prepared: off"
    write_tokenizer(ws.dir("models", "mymodel") / "tokenizer.json")
    f = tokens_filter(configured_filters(cfg, ws))
    assert f.described == "mymodel" and f.tokenizer is not None
    folder = tmp_path / "local-model"
    write_tokenizer(folder / "tokenizer.json")
    local = PipelineConfig(train=TrainConfig(base_model=str(folder), max_length=16))
    assert tokens_filter(configured_filters(local, None)).tokenizer is not None, "a local model folder"
    kept, rejected = apply_filters([prose(make_record, "a " * 40)], cfg.filters, filters=configured_filters(cfg, ws))
    assert not kept and rejected[0].stage == "filter:tokens"
