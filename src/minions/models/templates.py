"""Prompt templates per base family.

Training, evaluation and serving all render prompts here, so an adapter always sees one format.
"""

from __future__ import annotations

from dataclasses import dataclass

from minions.records import SYSTEM_PROMPT


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    turn: str  # format of one turn, with {role} and {content}
    assistant_prefix: str  # what opens the assistant's answer
    end: str  # what closes the assistant's answer ("" means the tokenizer's eos token)

    def prompt(self, messages: list[dict]) -> str:
        """The text up to where the assistant starts answering."""
        return "".join(self.turn.format(role=m["role"], content=m["content"]) for m in messages) + (
            self.assistant_prefix
        )


TEMPLATES = {
    "chatml": PromptTemplate(
        "chatml", "<|im_start|>{role}\n{content}<|im_end|>\n", "<|im_start|>assistant\n", "<|im_end|>"
    ),
    "plain": PromptTemplate("plain", "### {role}:\n{content}\n\n", "### assistant:\n", ""),
}


def choose_template(name: str, tokenizer) -> PromptTemplate:
    """`auto` picks chatml when the tokenizer knows its markers, else plain."""
    if name == "auto":
        name = "chatml" if "<|im_start|>" in tokenizer.get_vocab() else "plain"
    if name not in TEMPLATES:
        from minions.errors import UserError

        raise UserError(f"unknown prompt template {name!r}; use auto, {', '.join(TEMPLATES)}")
    return TEMPLATES[name]


def record_messages(record: dict) -> list[dict]:
    """The system and user turns of an instruction record (the system turn a chat-form record carried,
    else ours)."""
    user = record["instruction"] + ("\n\n" + record["input"] if record.get("input") else "")
    return [{"role": "system", "content": record.get("system") or SYSTEM_PROMPT}, {"role": "user", "content": user}]
