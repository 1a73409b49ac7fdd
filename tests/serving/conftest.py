"""Fixtures of the /ui tests: two tiny adapters that learned one answer each, and a dataset folder whose
eval.jsonl holds a record of each form (alpaca and chat)."""

import pytest

from minions.config import TrainConfig
from minions.models.base import resolve_base_model
from minions.training.train import train_lora
from minions.workspace import write_jsonl, write_manifest

ANSWERS = {"hello": "hello friend", "bye": "bye now"}  # what each adapter says to "Say hi"
STORY = (
    "As a customer, I want a refund, so that I get my money back.\n"
    "- Given a paid order, when I ask for a refund, then the money is returned.\n"
    "- Given a shipped order, when I cancel it, then I am told to return it first."
)


@pytest.fixture(scope="session")
def ui_adapters(session_ws, tmp_path_factory) -> dict:
    """Adapter folders by name, trained until each says its one answer to "Say hi"."""
    folders = {}
    for name, answer in ANSWERS.items():
        ds = tmp_path_factory.mktemp(f"ui-ds-{name}")
        write_jsonl(ds / "train.jsonl", [{"instruction": "Say hi", "input": "", "output": answer}] * 4)
        write_manifest(ds, "dataset", {}, {})
        folders[name] = tmp_path_factory.mktemp(f"ui-{name}")
        cfg = TrainConfig(base_model="tiny", steps=30, learning_rate=1e-2, lora_dropout=0.0)
        train_lora(ds, resolve_base_model("tiny", session_ws), cfg, folders[name], name)
    return folders


@pytest.fixture(scope="session")
def ui_eval_data(tmp_path_factory):
    """A dataset folder: `hi-1` (alpaca, the prompt the adapters learned) and `story-1` (chat form)."""
    folder = tmp_path_factory.mktemp("ui-eval")
    records = [
        {
            "id": "hi-1",
            "task": "implement-method",
            "instruction": "Say hi",
            "input": "",
            "output": "hello friend",
            "instruction_lang": "en",
        },
        {
            "id": "story-1",
            "task": "user-story",
            "instruction_lang": "en",
            "messages": [
                {"role": "system", "content": "You are a product owner."},
                {"role": "user", "content": "Write the user story of a refund.\n\nShop: orders, payments, refunds"},
                {"role": "assistant", "content": STORY},
            ],
        },
    ]
    write_jsonl(folder / "eval.jsonl", records)
    write_jsonl(folder / "train.jsonl", records[:1])
    return folder
