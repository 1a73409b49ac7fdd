"""`minions adapters list|show|rm|merge|export` over a real catalog and real peft folders (tiny model)."""

import json
import shutil

import pytest
import torch
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer
from typer.testing import CliRunner

from helpers import TINY_BASE_HASH, adapter_meta, run_cli
from minions.adapters import default_folder, record_eval_scores, register_adapter, resolve_adapter
from minions.adapters.meta import write_adapter_meta
from minions.cli.main import app
from minions.errors import UserError
from minions.workspace import Workspace, write_jsonl, write_manifest


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def ws(tmp_path, session_ws, tiny_adapter):
    """A workspace with shop@1 (trained; team payments, eval scores), shop@2 (rank 32) and other@1
    (trained), all on the tiny base."""
    ws = Workspace(tmp_path / "ws")
    base = str(session_ws.dir("models", "tiny"))
    for name, version, team in (("shop", 1, "payments"), ("shop", 2, None), ("other", 1, None)):
        folder = default_folder(ws, name, version)
        if (name, version) == ("shop", 2):  # made by peft itself, at a rank vLLM takes only with a flag
            wide = LoraConfig(r=32, lora_alpha=32, target_modules=["q_proj", "v_proj"])
            get_peft_model(base_model(session_ws), wide).save_pretrained(folder)
        else:
            shutil.copytree(tiny_adapter, folder)
        meta = adapter_meta(name, version, base_model=base)
        write_adapter_meta(folder, meta)
        register_adapter(ws, name, folder, version=version, meta=meta, team=team)
    record_eval_scores(ws, "shop", 1, {"eval_loss": 0.75, "exact_match": 0.5})
    return ws


def test_list_shows_the_latest_versions_or_all(ws):
    r = cli("adapters", "list", "--workspace", str(ws.root), "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [x["ref"] for x in rows] == ["other@1", "shop@2"]
    shop = rows[1]
    assert shop["flags"] == ["rank>16"] and shop["lora"]["r"] == 32 and shop["versions"] == [1, 2]
    assert shop["base_hash"] == TINY_BASE_HASH and shop["dataset"]["id"] == "d" * 64 and shop["size_bytes"] > 1000
    r = cli("adapters", "list", "--all-versions", "--workspace", str(ws.root))
    lines = r.stdout.splitlines()
    assert lines[0].split()[:3] == ["ADAPTER", "BASE", "LORA"]
    assert [line.split()[0] for line in lines[1:]] == ["other@1", "shop@2", "shop@1"]
    assert "payments" in lines[3] and "eval_loss 0.75" in lines[3] and lines[2].endswith("rank>16")


def test_show_names_every_field(ws):
    r = cli("adapters", "show", "shop@1", "--workspace", str(ws.root), "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert (d["ref"], d["latest"], d["team"], d["template"]) == ("shop@1", False, "payments", "chatml")
    assert d["eval_scores"] == {"eval_loss": 0.75, "exact_match": 0.5}
    assert d["metrics"]["final_loss"] == 1.25 and d["train_records"] == 4 and d["lora"]["variant"] == "lora"
    text = cli("adapters", "show", "shop", "--workspace", str(ws.root)).stdout
    assert text.startswith("adapter      shop@2 (latest)\n") and "flags        rank>16" in text


def test_rm_asks_for_yes_and_says_what_happened_to_the_folder(ws):
    r = cli("adapters", "rm", "shop@1", "--workspace", str(ws.root))
    assert isinstance(r.exception, UserError) and "pass --yes" in str(r.exception)
    assert default_folder(ws, "shop", 1).is_dir()
    r = cli("adapters", "rm", "shop@1", "--yes", "--workspace", str(ws.root))
    assert r.exit_code == 0 and r.stdout.startswith("removed shop@1: folder deleted (")
    assert not default_folder(ws, "shop", 1).exists() and default_folder(ws, "shop", 2).is_dir()
    r = cli("adapters", "rm", "shop", "--yes", "--workspace", str(ws.root), "--json")
    assert [d["ref"] for d in json.loads(r.stdout)] == ["shop@2"]


def logits(model, folder, text="class Cart { int total() {"):
    tokenizer = AutoTokenizer.from_pretrained(folder)
    with torch.no_grad():  # in float64, so that float32 summing order does not count (see tests/models/test_merge.py)
        return model.to(torch.float64)(**tokenizer(text, return_tensors="pt")).logits


def base_model(session_ws):
    return AutoModelForCausalLM.from_pretrained(session_ws.dir("models", "tiny"), dtype=torch.float32).eval()


def test_export_writes_a_folder_peft_and_vllm_load(ws, session_ws, tmp_path):
    out = tmp_path / "vllm"
    r = cli("adapters", "export", "other", "--out", str(out), "--workspace", str(ws.root))
    assert r.exit_code == 0, r.output
    assert r.stdout == f"{out.resolve()}\n"
    names = sorted(p.name for p in out.iterdir())
    assert names == ["adapter_config.json", "adapter_model.safetensors", "manifest.json", "minions-adapter.json"]
    assert json.loads((out / "minions-adapter.json").read_text())["version"] == 1
    exported = PeftModel.from_pretrained(base_model(session_ws), out).eval()
    original = PeftModel.from_pretrained(base_model(session_ws), default_folder(ws, "other", 1)).eval()
    tiny = session_ws.dir("models", "tiny")
    torch.testing.assert_close(logits(exported, tiny), logits(original, tiny), atol=0, rtol=0)
    again = cli("adapters", "export", "other", "--out", str(out), "--workspace", str(ws.root))
    assert "not empty; pass --force" in str(again.exception)
    # rank 32: exported, with a warning naming vLLM's flag
    r = cli("adapters", "export", "shop", "--out", str(tmp_path / "wide"), "--workspace", str(ws.root), "--json")
    assert r.exit_code == 0 and "start vLLM with --max-lora-rank 32" in r.stderr
    assert json.loads(r.stdout)["warnings"] == [
        "rank 32 is above vLLM's default --max-lora-rank 16: start vLLM with --max-lora-rank 32"
    ]


def test_export_refuses_what_vllm_cannot_load(ws, session_ws, tmp_path):
    folder = tmp_path / "dora"
    config = LoraConfig(r=4, target_modules=["q_proj", "v_proj"], use_dora=True, modules_to_save=["lm_head"])
    get_peft_model(base_model(session_ws), config).save_pretrained(folder)
    write_adapter_meta(folder, adapter_meta("dora", 1))
    register_adapter(ws, "dora", folder, version=1, meta=adapter_meta("dora", 1))
    shown = json.loads(cli("adapters", "show", "dora", "--workspace", str(ws.root), "--json").stdout)
    assert shown["flags"] == ["dora", "modules_to_save"] and shown["lora"]["variant"] == "dora"
    r = cli("adapters", "export", "dora", "--out", str(tmp_path / "x"), "--workspace", str(ws.root))
    message = str(r.exception)
    assert "vLLM cannot serve dora@1: it is a DoRA adapter" in message and "modules_to_save empty" in message
    assert "minions adapters merge dora@1 --out DIR" in message and not (tmp_path / "x").exists()


def test_merge_writes_a_full_model_folder(ws, session_ws, tmp_path):
    out = tmp_path / "merged"
    r = cli("adapters", "merge", "other@1", "--out", str(out), "--workspace", str(ws.root), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["path"] == str(out.resolve())
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "merged-model" and manifest["config"]["adapter"] == "other@1"
    merged = AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32).eval()
    with_adapter = PeftModel.from_pretrained(base_model(session_ws), default_folder(ws, "other", 1)).eval()
    torch.testing.assert_close(logits(merged, out), logits(with_adapter, out), atol=1e-5, rtol=0)


def test_eval_keeps_its_scores_on_the_adapter_version(ws, tmp_path):
    ds = tmp_path / "ds"
    write_jsonl(ds / "eval.jsonl", [{"instruction": f"Say {i}", "input": "", "output": f"v{i}"} for i in range(2)])
    write_manifest(ds, "dataset", {}, {})
    r = cli("eval", str(ds), "--adapter", "other", "--workspace", str(ws.root), "--json")
    assert r.exit_code == 0, r.output
    scores = json.loads(cli("adapters", "show", "other", "--workspace", str(ws.root), "--json").stdout)["eval_scores"]
    assert scores["eval_loss"] == json.loads(r.stdout)["models"]["other"]["eval_loss"]
    assert scores["evaluation"].startswith("other@1-")
    assert resolve_adapter(ws, "shop@1")["eval_scores"] == {"eval_loss": 0.75, "exact_match": 0.5}


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "nope"], "no adapter 'nope' in"),
        (["show", "nope@x"], "bad adapter reference 'nope@x'"),
        (["export", "nope", "--out", "x", "--format", "tgi"], "unknown --format 'tgi'; use vllm"),
        (["rm", "nope", "--yes"], "no adapter 'nope' in"),
    ],
)
def test_bad_input_is_exit_2_with_one_line(tmp_path, args, message):
    p = run_cli("adapters", *args, "--workspace", str(tmp_path / "ws"), cwd=tmp_path)
    assert p.returncode == 2 and message in p.stderr and p.stdout == "", p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["list", "show", "rm", "merge", "export"])
def test_help_has_an_example(command):
    r = cli("adapters", command, "--help")
    assert r.exit_code == 0 and "Example: minions adapters " + command in r.stdout
