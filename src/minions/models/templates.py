"""Prompt templates per base family.

Training, evaluation and serving all render prompts here, so an adapter always sees one format.
An adapter stores its template's whole spec (`PromptTemplate.to_dict`), so rendering never depends on
this table changing later; `template_from_meta` reads it back (or, for older adapters, the name).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from minions.errors import UserError
from minions.records import SYSTEM_PROMPT


@dataclass(frozen=True)
class PromptTemplate:
    """How one base family writes a conversation. Formats take {role} and {content}."""

    name: str
    turn: str  # format of a turn that has no format of its own below
    assistant_prefix: str  # what opens the assistant's answer (the prompt ends with it)
    end: str  # what closes the assistant's answer ("" means the tokenizer's eos token)
    system: str | None = None  # format of a system turn
    user: str | None = None  # format of a user turn
    assistant: str | None = None  # format of an earlier assistant turn in a history
    fold_system: str | None = None  # set: the system goes into the next user turn, with {system} and {content}
    answer: str = "{content}"  # how the answer is written between assistant_prefix and end
    bos: str = ""  # text the conversation opens with (a BOS token the family needs, as text)
    default_system: str = ""  # system turn the family adds when a conversation has none
    strip: bool = False  # contents lose surrounding whitespace, as the family's chat template does
    stop: tuple[str, ...] = ()  # more strings generation stops on (besides end and the eos token)
    description: str = ""

    def prompt(self, messages: list[dict]) -> str:
        """The text up to where the assistant starts answering: every turn (a history of user and
        assistant turns included), then `assistant_prefix`."""
        if self.default_system and not any(m["role"] == "system" for m in messages):
            messages = [{"role": "system", "content": self.default_system}, *messages]
        parts, folded = [self.bos], None
        for m in messages:
            role, content = m["role"], m["content"]
            if role == "system" and self.fold_system is not None:
                folded = content
                continue
            if role == "user" and folded is not None:
                content, folded = self.fold_system.format(system=folded, content=content), None
            parts.append(self._turn(role, content))
        if folded is not None:  # a system turn with no user turn after it
            parts.append(self._turn("user", self.fold_system.format(system=folded, content="")))
        return "".join(parts) + self.assistant_prefix

    def completion(self, output: str, eos: str) -> str:
        """The text the model learns to write after `prompt()`: the answer and what closes it."""
        return self.answer.format(content=output.strip() if self.strip else output) + (self.end or eos)

    def stop_strings(self) -> list[str]:
        """What ends a generated answer, besides the eos token."""
        return [s for s in (self.end, *self.stop) if s]

    def _turn(self, role: str, content: str) -> str:
        fmt = {"system": self.system, "user": self.user, "assistant": self.assistant}.get(role) or self.turn
        return fmt.format(role=role, content=content.strip() if self.strip else content)

    def to_dict(self) -> dict:
        """The whole spec, for an adapter's metadata."""
        d = asdict(self)
        d["stop"] = list(self.stop)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> PromptTemplate:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise UserError(
                f"prompt template {d.get('name')!r} has unknown fields {', '.join(unknown)}; "
                "the adapter was made by a newer minions: upgrade minions"
            )
        missing = [k for k in ("name", "turn", "assistant_prefix", "end") if k not in d]
        if missing:
            raise UserError(f"prompt template lacks {', '.join(missing)}; retrain the adapter or fix its metadata")
        return cls(**{**d, "stop": tuple(d.get("stop") or ())})


DEEPSEEK_CODER_SYSTEM = (
    "You are an AI programming assistant, utilizing the Deepseek Coder model, developed by Deepseek Company, "
    "and you only answer questions related to computer science. For politically sensitive questions, security "
    "and privacy issues, and other non-computer science questions, you will refuse to answer"
)

_ALL = [
    PromptTemplate(
        "chatml",
        "<|im_start|>{role}\n{content}<|im_end|>\n",
        "<|im_start|>assistant\n",
        "<|im_end|>",
        description="ChatML: SmolLM2, Qwen",
    ),
    PromptTemplate(
        "llama-3",
        "<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>",
        "<|start_header_id|>assistant<|end_header_id|>\n\n",
        "<|eot_id|>",
        bos="<|begin_of_text|>",
        strip=True,
        stop=("<|end_of_text|>",),
        description="Llama 3 Instruct",
    ),
    PromptTemplate(
        "llama-2",
        "<s>[INST] {content} [/INST]",
        "",
        "</s>",
        assistant=" {content} </s>",
        fold_system="<<SYS>>\n{system}\n<</SYS>>\n\n{content}",
        answer=" {content} ",
        strip=True,
        description="Llama 2 Chat: [INST] turns, the system inside the first one",
    ),
    PromptTemplate(
        "alpaca",
        "{content}\n\n",
        "### Response:\n",
        "",
        user="### Instruction:\n{content}\n\n",
        assistant="### Response:\n{content}\n\n",
        stop=("### Instruction:",),
        description="Alpaca: instruction and response headers, no special tokens",
    ),
    PromptTemplate(
        "glm-4",
        "<|{role}|>\n{content}",
        "<|assistant|>\n",
        "<|user|>",
        bos="[gMASK]<sop>",
        stop=("<|observation|>", "<|endoftext|>"),
        description="GLM-4 chat (glm-4-9b-chat); an answer ends where the next user turn would start",
    ),
    PromptTemplate(
        "deepseek-coder",
        "{content}\n",
        "### Response:\n",
        "<|EOT|>",
        user="### Instruction:\n{content}\n",
        assistant="### Response:\n{content}\n<|EOT|>\n",
        answer="{content}\n",
        bos="<｜begin▁of▁sentence｜>",
        default_system=DEEPSEEK_CODER_SYSTEM,
        description="DeepSeek-Coder Instruct",
    ),
    PromptTemplate(
        "plain",
        "### {role}:\n{content}\n\n",
        "### assistant:\n",
        "",
        stop=("### user:",),
        description="role headers, for a base model with no chat format",
    ),
]
TEMPLATES = {t.name: t for t in _ALL}


@dataclass(frozen=True)
class TemplateChoice:
    name: str
    reason: str  # why: which marker of the tokenizer's chat template or vocabulary decided


# (family, markers that must all be in the tokenizer's chat template); the first match wins, so
# deepseek-coder comes before alpaca (both write "### Instruction")
_CHAT_TEMPLATE_MARKERS = [
    ("llama-3", ("<|start_header_id|>", "<|eot_id|>")),
    ("glm-4", ("[gMASK]<sop>", "<|assistant|>")),
    ("deepseek-coder", ("### Instruction", "<|EOT|>")),
    ("llama-2", ("[INST]", "<<SYS>>")),
    ("chatml", ("<|im_start|>",)),
    ("alpaca", ("### Instruction", "### Response")),
]
_VOCAB_MARKERS = [
    ("llama-3", ("<|start_header_id|>", "<|eot_id|>")),
    ("glm-4", ("[gMASK]", "<sop>", "<|assistant|>")),
    ("deepseek-coder", ("<|EOT|>",)),
    ("chatml", ("<|im_start|>", "<|im_end|>")),
]


def detect_template(tokenizer) -> TemplateChoice:
    """The family of a tokenizer: from its chat template's markers, else its vocabulary's special
    tokens, else plain."""
    jinja = getattr(tokenizer, "chat_template", None)
    if isinstance(jinja, dict):  # several named templates: the default one speaks for the model
        jinja = jinja.get("default") or next(iter(jinja.values()), None)
    if isinstance(jinja, str):
        for name, markers in _CHAT_TEMPLATE_MARKERS:
            if all(m in jinja for m in markers):
                return TemplateChoice(name, f"chat template has {', '.join(markers)}")
    vocab = tokenizer.get_vocab()
    for name, markers in _VOCAB_MARKERS:
        if all(m in vocab for m in markers):
            return TemplateChoice(name, f"vocabulary has {', '.join(markers)}")
    return TemplateChoice("plain", "no family's markers in the chat template or vocabulary")


def choose_template(name: str, tokenizer) -> PromptTemplate:
    """A template by name; `auto` detects the family from the tokenizer (see `detect_template`)."""
    if name == "auto":
        name = detect_template(tokenizer).name
    if name not in TEMPLATES:
        raise UserError(f"unknown prompt template {name!r}; use auto, {', '.join(TEMPLATES)}")
    return TEMPLATES[name]


def template_from_meta(meta: dict) -> PromptTemplate:
    """The template an adapter was trained with: its stored spec, or (adapters made before specs were
    stored) its name in today's table."""
    spec = meta.get("template")
    if isinstance(spec, dict):
        return PromptTemplate.from_dict(spec)
    if isinstance(spec, str) and spec in TEMPLATES:
        return TEMPLATES[spec]
    raise UserError(
        f"adapter metadata names an unknown prompt template {spec!r}; use one of {', '.join(TEMPLATES)} "
        "or retrain the adapter"
    )


def record_messages(record: dict) -> list[dict]:
    """The system and user turns of an instruction record (the system turn a chat-form record carried,
    else ours)."""
    user = record["instruction"] + ("\n\n" + record["input"] if record.get("input") else "")
    return [{"role": "system", "content": record.get("system") or SYSTEM_PROMPT}, {"role": "user", "content": user}]
