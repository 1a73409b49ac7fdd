"""What the /ui page compares: eval records to pick from, the prompt of a record or of typed text,
and the model-free scores of an output against the record's reference."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from minions.errors import UserError

STORY_TASKS = frozenset({"user-story", "api-to-user-story"})
TYPED_TASK = "typed"
PREVIEW_CHARS = 160


@dataclass(frozen=True)
class EvalRecord:
    """One eval record as the page shows and prompts it (a chat-form record read into these keys)."""

    id: str
    task: str
    instruction: str
    input: str
    output: str
    instruction_lang: str = "en"
    system: str | None = None

    def preview(self) -> dict:
        """What a listing shows: id, task, the instruction and the start of the input."""
        text = " ".join(self.input.split())
        cut = text[:PREVIEW_CHARS] + ("…" if len(text) > PREVIEW_CHARS else "")
        return {"id": self.id, "task": self.task, "instruction": self.instruction, "input_preview": cut}


def load_eval_records(dataset: Path) -> list[EvalRecord]:
    """The records of a dataset folder's eval.jsonl (alpaca or chat form), in file order."""
    from minions.datasets.read import load_records

    path = dataset / "eval.jsonl"
    if not path.is_file():
        raise UserError(f"--eval-data {dataset} has no eval.jsonl; pass a dataset folder from `minions build`")
    records = []
    for i, r in enumerate(load_records(path), start=1):
        lang = r.get("instruction_lang")
        records.append(
            EvalRecord(
                id=str(r.get("id") or f"line-{i}"),
                task=str(r.get("task") or TYPED_TASK),
                instruction=r["instruction"],
                input=r.get("input") or "",
                output=r["output"],
                instruction_lang=lang if lang in ("en", "zh") else "en",
                system=r.get("system"),
            )
        )
    return records


def prompt_messages(instruction: str, input_text: str, system: str | None = None) -> list[dict]:
    """The system and user turns a record is trained and evaluated with (minions.models.templates)."""
    from minions.models.templates import record_messages

    return record_messages({"instruction": instruction, "input": input_text, "system": system})


def output_scores(output: str, reference: str | None, task: str, instruction_lang: str = "en") -> dict[str, float]:
    """Cheap model-free scores of one output: exact match, edit similarity and sentence BLEU against
    the reference when there is one; the user-story structure score for the user-story tasks."""
    from minions.scoring.stories import story_structure
    from minions.scoring.text import edit_similarity, exact_match, sentence_bleu

    scores: dict[str, float] = {}
    if reference is not None:
        scores["exact_match"] = exact_match(output, reference)
        scores["edit_similarity"] = edit_similarity(output, reference)
        scores["bleu"] = sentence_bleu(output, reference, instruction_lang)
    if task in STORY_TASKS:
        scores["story_structure"] = story_structure(output)["score"]
    return scores
