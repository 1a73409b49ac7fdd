"""Size in tokens: records that the training length would cut are dropped, not silently truncated.

Configured by `filters.tokenizer`: a `tokenizer.json` file (or a folder holding one), or a built-in
base model's name whose prepared folder is in the workspace (`minions model prepare NAME` makes
`<workspace>/models/NAME/`). Unset, it is the train base model's tokenizer when that is at hand
(a local folder, or a prepared built-in: `minions run` prepares it first). Loaded with the
`tokenizers` library (no torch, no transformers). Off when there is none: every figure is -1 and
every record is kept.

Figures: `setting_tokenizer` (a fingerprint of the tokenizer.json: figures of another tokenizer
are not reused by a resumed build), `instruction_tokens`, `input_tokens`, `output_tokens`, and
`record_tokens`, the tokens of the text training shows the model (the system prompt, the
instruction, the input, the output), to which `judge` adds `filters.template_tokens` for the
prompt template's markers. The record limit is `filters.max_tokens`, else the build's
`train.max_length` (passed when the filter is configured); `filters.max_input_tokens` and
`filters.max_output_tokens` bound single fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from minions.config import FiltersConfig, PipelineConfig
from minions.errors import UserError
from minions.filters.base import fingerprint, register_record_filter
from minions.records import SYSTEM_PROMPT, InstructionRecord
from minions.workspace import Workspace

FIELDS = ("instruction", "input", "output")
_NONE = {f"{k}_tokens": -1.0 for k in (*FIELDS, "record")}


def tokenizer_file(spec: str, ws: Workspace | None) -> Path:
    """The tokenizer.json a `filters.tokenizer` setting names; a UserError naming the field when there
    is none."""
    path = Path(spec).expanduser()
    if path.is_file():
        return path
    if path.is_dir():
        if (path / "tokenizer.json").is_file():
            return path / "tokenizer.json"
        raise UserError(
            f"filters.tokenizer: {spec} holds no tokenizer.json; name a tokenizer.json file or a model folder"
        )
    if "/" not in spec and "\\" not in spec and ws is not None:
        prepared = ws.dir("models", spec) / "tokenizer.json"
        if prepared.is_file():
            return prepared
        raise UserError(
            f"filters.tokenizer: no prepared model {spec!r} in the workspace {ws.root}; run "
            f"`minions model prepare {spec}` first, or name a tokenizer.json file"
        )
    raise UserError(f"filters.tokenizer: {spec} does not exist; name a tokenizer.json file or a prepared base model")


def tokenizer_setting(cfg: PipelineConfig, ws: Workspace | None) -> str | None:
    """`filters.tokenizer`, else the train base model's own tokenizer when it is at hand without any
    conversion (a local model folder, or a built-in already prepared in the workspace); else None."""
    if cfg.filters.tokenizer:
        return cfg.filters.tokenizer
    base = cfg.train.base_model
    path = Path(base).expanduser()
    if path.is_dir() and (path / "tokenizer.json").is_file():
        return str(path)
    if ws is not None and "/" not in base and (ws.dir("models", base) / "tokenizer.json").is_file():
        return base
    return None


def load_tokenizer(spec: str, ws: Workspace | None):
    """A `tokenizers.Tokenizer` for the setting; a UserError naming the field when it cannot load."""
    from tokenizers import Tokenizer

    path = tokenizer_file(spec, ws)
    try:
        return Tokenizer.from_file(str(path))
    except Exception as e:  # the library raises a bare Exception on a malformed file
        raise UserError(
            f"filters.tokenizer: {path} is not a tokenizer.json the tokenizers library can load "
            f"({e.__class__.__name__}); name a Hugging Face tokenizer.json"
        ) from None


@dataclass(frozen=True)
class Tokens:
    name: str = "tokens"
    tokenizer: object | None = None  # a tokenizers.Tokenizer; None: the filter is off
    described: str = ""  # which tokenizer, for the build log
    default_max: int | None = None  # train.max_length of the build
    fingerprint: float = -1.0  # of the tokenizer.json, so figures of another tokenizer are not reused

    def configure(self, cfg: PipelineConfig, ws: Workspace | None) -> Tokens:
        spec = tokenizer_setting(cfg, ws)
        if not spec:
            return self
        path = tokenizer_file(spec, ws)
        tok = load_tokenizer(str(path), ws)
        return Tokens(self.name, tok, spec, cfg.train.max_length, fingerprint(path.read_bytes()))

    def _count(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids) if text else 0

    def stats(self, record: InstructionRecord) -> dict[str, float]:
        if self.tokenizer is None:
            return {**_NONE, "setting_tokenizer": -1.0}
        out = {f"{k}_tokens": float(self._count(getattr(record, k))) for k in FIELDS}
        out["setting_tokenizer"] = self.fingerprint
        whole = "\n".join(
            [SYSTEM_PROMPT, record.instruction + ("\n\n" + record.input if record.input else ""), record.output]
        )
        out["record_tokens"] = float(self._count(whole))
        return out

    def judge(self, s: dict[str, float], t: FiltersConfig) -> tuple[bool, str]:
        if s.get("record_tokens", -1) < 0:
            return True, ""
        limit = t.max_tokens or self.default_max
        total = int(s["record_tokens"]) + t.template_tokens
        if limit is not None and total > limit:
            return False, f"record has {total} tokens with its prompt template (max {limit}: training would cut it)"
        for field, cap in (("input", t.max_input_tokens), ("output", t.max_output_tokens)):
            if cap is not None and s[f"{field}_tokens"] > cap:
                return False, f"{field} has {int(s[f'{field}_tokens'])} tokens (max {cap})"
        return True, ""


register_record_filter(Tokens())
