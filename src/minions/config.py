"""The pipeline config: one YAML file, validated by pydantic models with a one-line help per field.

An error names the field and the line it is on (`load_config`). Relative paths are resolved against
the config file's folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from minions.errors import UserError

ADAPTER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
RESERVED_NAMES = {"base"}  # results.json and the server use it for the base model


def adapter_name_problem(name: str) -> str | None:
    """Why a name cannot name an adapter (None when it can)."""
    if not ADAPTER_NAME.match(name):
        return f"adapter name {name!r} must be letters, digits, '.', '_' or '-', starting with a letter or digit"
    if name.lower() in RESERVED_NAMES:
        return f"adapter name {name!r} is reserved for the base model; pick another"
    return None


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceConfig(_Section):
    path: Path = Field(description="a local folder or git checkout to learn from")
    name: str | None = Field(None, description="repository name in provenance (default: the folder's name)")


class ScrubConfig(_Section):
    workers: int = Field(0, ge=0, description="processes that scrub files (0: one per CPU core); output is the same")
    enabled: bool = Field(
        True, description="scrub files before parsing; false (or `build --no-scrub`) is written into the card"
    )
    internal_names: dict[str, str] = Field(
        default_factory=dict, description="internal name -> neutral replacement, matched case-insensitively"
    )
    internal_domains: list[str] = Field(
        default_factory=list,
        description="company domains (e.g. acme.local, acme-corp.com): they and their hosts are replaced everywhere",
    )
    drop_files: list[str] = Field(
        default_factory=lambda: [
            ".env",
            ".env.*",
            "!.env.example",
            "!.env.sample",
            "!.env.template",
            *(f"{p}id_{k}" for p in ("", "*_") for k in ("rsa", "dsa", "ecdsa", "ed25519")),
            "*.pem",
            "*.key",
            "*.p12",
            "*.pfx",
            "*.jks",
            "*.keystore",
            "credentials*",
            "!credentials*.py",
            "!credentials*.java",
            "!credentials*.kt",
        ],
        description="globs of files dropped whole (keys, dotenv files; any case); `!glob`: never dropped by name",
    )
    ner_model: str = Field(
        "",
        description="a spaCy pipeline you installed (a package such as en_core_web_sm, or a folder) that finds person "
        "names in comments and strings (rule person-name-ner; needs pip install 'minions-lora[ner]'); empty: off",
    )
    ner_threshold: float = Field(
        0.5, ge=0, le=1, description="presidio score under which a name the pipeline found is kept (spaCy's score 0.85)"
    )


class ParseConfig(_Section):
    languages: list[Literal["java", "kotlin", "python", "typescript", "tsx", "go"]] = Field(
        default_factory=lambda: ["java", "kotlin", "python", "typescript", "tsx", "go"],
        description="languages to parse",
    )
    workers: int = Field(0, ge=0, description="processes that parse files (0: one per CPU core); output is the same")


class TasksConfig(_Section):
    names: list[str] | None = Field(
        None,
        description="task builders to run (null: every registered task that needs no teacher; see `minions tasks`)",
    )
    instruction_lang: Literal["en", "zh"] = Field(
        "en", description="language of the instructions when zh_ratio is not set"
    )
    zh_ratio: float | None = Field(
        None,
        ge=0,
        le=1,
        description="share of records with Chinese instructions, chosen per record (null: instruction_lang)",
    )
    outline: Literal["info", "skeleton"] = Field(
        "info", description="how a class is shown: its compact info, or its code with member bodies elided"
    )
    seed: int = Field(0, description="changes which wording and language each record gets, and the capped sample")
    max_per_task: int | None = Field(None, ge=1, description="records kept per task (a seeded sample; null: all)")
    max_per_class: int | None = Field(None, ge=1, description="records kept per focal class and task (null: all)")
    max_per_file: int | None = Field(None, ge=1, description="records kept per source file and task (null: all)")


class FiltersConfig(_Section):
    dedup: Literal["exact", "none"] = Field(
        "exact",
        description="drop exact duplicate records (same task, input and output, whitespace-normalized); none also "
        "turns near-dedup off",
    )
    near_dedup: float | None = Field(
        0.8,
        gt=0,
        le=1,
        description="drop records of a task whose output and input are both this alike to a kept record's (Jaccard "
        "of code-token n-grams; null: off)",
    )
    near_dedup_ngram: int = Field(5, ge=1, description="tokens per shingle for near_dedup's Jaccard")
    min_output_lines: int = Field(2, ge=1, description="drop records whose output is shorter")
    max_output_chars: int = Field(3000, ge=1, description="drop records whose output is longer")
    max_input_chars: int = Field(6000, ge=1, description="drop records whose input is longer")
    decontaminate: float | None = Field(
        0.8, gt=0, le=1, description="drop train records this close to a held-out one (5-gram overlap; null: off)"
    )
    decontaminate_ngram: int | None = Field(
        13,
        ge=4,
        description="drop train records whose output shares a span of this many tokens with a held-out or "
        "benchmark output (null: off)",
    )
    decontaminate_common: int = Field(
        10, ge=2, description="spans found in at least this many training outputs (boilerplate) do not count"
    )
    benchmarks: list[Path] = Field(
        default_factory=list,
        description="JSONL files of evaluation benchmarks (HumanEval-X style); every string value in a line counts "
        "as a held-out output for decontamination",
    )
    tokenizer: str | None = Field(
        None,
        description="tokenizer for the token-size filter: a tokenizer.json file (or a folder holding one), or a "
        "built-in base model prepared in the workspace (`minions model prepare NAME`); null: the train base "
        "model's tokenizer when prepared, else off",
    )
    max_tokens: int | None = Field(
        None,
        ge=16,
        description="drop records longer than this in tokens, prompt template included (null: train.max_length), "
        "instead of letting training cut them",
    )
    max_input_tokens: int | None = Field(None, ge=1, description="drop records whose input is longer in tokens")
    max_output_tokens: int | None = Field(None, ge=1, description="drop records whose output is longer in tokens")
    template_tokens: int = Field(
        16, ge=0, description="tokens the prompt template adds to a record (SmolLM2: 13 with chatml, 15 with plain)"
    )
    syntax: bool = Field(True, description="drop records whose code output does not parse for its language")
    max_method_lines: int | None = Field(
        80, ge=1, description="code smell long-method: drop outputs with a longer method or function (null: off)"
    )
    max_parameters: int | None = Field(
        7, ge=0, description="code smell long-parameter-list: drop outputs with a method taking more (null: off)"
    )
    max_class_methods: int | None = Field(
        40, ge=1, description="code smell god-class: drop outputs with a class declaring more methods (null: off)"
    )
    max_empty_catches: int | None = Field(
        0, ge=0, description="code smell empty-catch: drop outputs with more catch blocks that do nothing (null: off)"
    )
    max_commented_code_lines: int | None = Field(
        0, ge=0, description="code smell commented-out-code: drop outputs with more lines of it (null: off)"
    )
    test_smells: list[Literal["no-assertion", "empty-test", "disabled-test", "sleep"]] = Field(
        default_factory=lambda: ["no-assertion", "empty-test", "disabled-test", "sleep"],
        description="test smells that drop a write-test or controller-test record ([]: none)",
    )
    conventions: bool = Field(
        True, description="drop records whose output breaks a REST, SQL or company convention rule (see `conventions`)"
    )


class CompanyRule(_Section):
    """A company's own convention: a regex that must not match a record field, or a Python check."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="rule id (lowercase kebab-case), named in reasons")
    field: Literal["instruction", "input", "output"] = Field("output", description="the record field the rule reads")
    pattern: str | None = Field(None, description="a regex (Python syntax) whose every match is a violation")
    entry_point: str | None = Field(
        None, description="`module:function` taking the field's text and returning a list of messages (one each)"
    )
    message: str = Field(min_length=1, description="what the rule asks for, in one line (shown in reasons)")

    @model_validator(mode="after")
    def _one_check(self) -> CompanyRule:
        from minions.conventions.company import check_rule

        if (self.pattern is None) == (self.entry_point is None):
            raise ValueError(f"rule {self.id!r}: give either `pattern` or `entry_point`, not both or neither")
        if problem := check_rule(self.id, self.pattern, self.entry_point):
            raise ValueError(problem)
        return self


class ConventionsConfig(_Section):
    rules: list[CompanyRule] = Field(
        default_factory=list, description="a company's own rules, checked on every record beside the REST and SQL ones"
    )

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, v: list[CompanyRule]) -> list[CompanyRule]:
        ids = [r.id for r in v]
        if dup := next((i for i in ids if ids.count(i) > 1), None):
            raise ValueError(f"rule id {dup!r} is used twice; give each rule its own id")
        return v


class SplitConfig(_Section):
    eval_share: float = Field(0.1, gt=0, lt=1, description="share of records held out for evaluation")
    test_share: float = Field(0.0, ge=0, lt=1, description="share held out as a test split (0: none)")


class MixQuota(_Section):
    max_count: int | None = Field(None, ge=0, description="records kept at most (a seeded sample; null: no cap)")
    max_share: float | None = Field(
        None, gt=0, le=1, description="share of the mixed dataset's records kept at most (null: no cap)"
    )

    @model_validator(mode="after")
    def _one_cap(self) -> MixQuota:
        if self.max_count is None and self.max_share is None:
            raise ValueError("a quota needs max_count or max_share (or both)")
        return self


class MixConfig(_Section):
    seed: int = Field(0, description="changes which records a quota keeps (the same seed keeps the same records)")
    tasks: dict[str, MixQuota] = Field(default_factory=dict, description="task name -> quota")
    sources: dict[str, MixQuota] = Field(
        default_factory=dict, description="source repository (its name as recorded in records) -> quota"
    )


class DatasetConfig(_Section):
    mix: MixConfig = Field(
        default_factory=MixConfig,
        description="per-task and per-source quotas applied after the filters, before the split (cut records are "
        "rejected at stage mix)",
    )
    format: Literal["alpaca", "chat", "fim"] = Field(
        "alpaca",
        description="record form in the split files: alpaca (instruction, input, output), chat (messages), or fim "
        "(alpaca, and code-completion records also as text with the base model's fill-in-the-middle tokens)",
    )


class TrainConfig(_Section):
    """LoRA training. Fields left null are sized to the base model and the dataset at start
    (`minions train` prints every resolved value and saves them with the adapter)."""

    base_model: str = Field("smollm2-135m", description="built-in name, local HF folder or .gguf file")
    adapter_name: str | None = Field(None, description="name in the adapter registry (default: run name)")
    steps: int | None = Field(
        None,
        ge=1,
        description="optimizer steps (null: from epochs; both null: 3 epochs, 2 over 1,000 records, 1 over 10,000)",
    )
    epochs: float | None = Field(None, gt=0, description="passes over the train records (ignored when steps is set)")
    batch_size: int = Field(
        4, ge=1, description="records per optimizer step (packed: the rows that hold about that many)"
    )
    max_length: int = Field(
        320, ge=16, description="tokens per example (prompt + completion); capped at the model's context"
    )
    learning_rate: float | None = Field(
        None, gt=0, description="AdamW peak learning rate (null: 5e-4 under 1B parameters, 2e-4 above)"
    )
    warmup: float = Field(0.1, ge=0, lt=1, description="share of steps with a linear warmup")
    schedule: Literal["cosine", "constant"] = Field(
        "cosine", description="after warmup: cosine decay to a tenth of the peak, or constant"
    )
    packing: bool = Field(
        True, description="pack several records into one row (attention and positions kept within each record)"
    )
    group_by_length: bool = Field(True, description="without packing: batch records of similar length together")
    lora_variant: Literal["lora", "rslora", "dora"] = Field(
        "lora", description="lora, rslora (rank-stabilised) or dora"
    )
    lora_r: int = Field(16, ge=1, description="LoRA rank")
    lora_alpha: int | None = Field(None, ge=1, description="LoRA scaling numerator (null: twice the rank)")
    lora_dropout: float = Field(0.05, ge=0, lt=1, description="dropout on the LoRA path")
    target_modules: list[str] | Literal["all-linear"] = Field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"],
        description="module names to adapt, or all-linear",
    )
    quantize: Literal["none", "4bit"] = Field(
        "none", description="4bit: QLoRA, the base loaded in 4 bits with bitsandbytes (a CUDA GPU and the gpu extra)"
    )
    template: str = Field(
        "auto",
        description="prompt template: auto (from the tokenizer), chatml, llama-3, llama-2, alpaca, glm-4, "
        "deepseek-coder or plain",
    )
    seed: int = Field(0, description="seed for init, shuffling, packing, the validation slice and dropout")
    val_share: float = Field(
        0.05, ge=0, lt=0.5, description="train records held back for validation loss during training (0: none)"
    )
    val_max_records: int = Field(64, ge=1, description="cap on the validation slice")
    val_every: int | None = Field(
        None, ge=1, description="steps between validation losses (null: a fifth of the steps)"
    )
    early_stopping: int = Field(
        0, ge=0, description="validations without improvement before stopping, keeping the best weights (0: off)"
    )
    checkpoint_every: int | None = Field(
        None, ge=1, description="steps between checkpoints for --resume (null: a tenth of the steps, at least 10)"
    )
    tensorboard: bool = Field(
        False, description="also write TensorBoard logs to <adapter>/tensorboard (needs tensorboard)"
    )
    team: str | None = Field(None, description="owner team recorded in the adapter registry")

    @field_validator("adapter_name")
    @classmethod
    def _adapter_name(cls, v: str | None) -> str | None:
        if v is not None and (problem := adapter_name_problem(v)):
            raise ValueError(problem)
        return v

    @field_validator("team")
    @classmethod
    def _team(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("is empty; name the team that owns the adapter or leave it out")
        return v.strip() if v else v

    threads: int = Field(1, ge=1, description="torch CPU threads (1 is fastest for small models on 2 cores)")


class EvalConfig(_Section):
    max_records: int | None = Field(None, ge=1, description="cap on eval records (default: all)")
    batch_size: int = Field(4, ge=1, description="records per forward pass")
    samples: int = Field(
        8, ge=0, description="eval records (spread over the tasks) every model also generates for and is scored on"
    )
    max_new_tokens: int = Field(256, ge=1, description="token limit of each generated output")
    seed: int = Field(0, description="seed of the record sample and the bootstrap intervals")


class ExecutorConfig(_Section):
    kind: Literal["local", "ray"] = Field(
        "local", description="where stages run: local (processes on this machine) or ray (a Ray cluster)"
    )
    address: str | None = Field(
        None, description="Ray cluster to join (e.g. ray://head:10001 or auto; null: start a local Ray)"
    )
    processes: int = Field(0, ge=0, description="CPUs a local Ray may use (0: every core)")


class PipelineConfig(_Section):
    """A whole run: sources to dataset to adapter to evaluation."""

    name: str = Field("quickstart", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", description="run name")
    sources: list[SourceConfig] = Field(default_factory=list, description="repositories to learn from")
    scrub: ScrubConfig = Field(default_factory=ScrubConfig)
    parse: ParseConfig = Field(default_factory=ParseConfig)
    tasks: TasksConfig = Field(default_factory=TasksConfig)
    filters: FiltersConfig = Field(default_factory=FiltersConfig)
    conventions: ConventionsConfig = Field(default_factory=ConventionsConfig)
    split: SplitConfig = Field(default_factory=SplitConfig)
    dataset: DatasetConfig = Field(default_factory=DatasetConfig)
    train: TrainConfig = Field(default_factory=TrainConfig)
    eval: EvalConfig = Field(default_factory=EvalConfig)
    executor: ExecutorConfig = Field(default_factory=ExecutorConfig)

    @field_validator("name")
    @classmethod
    def _name_is_an_adapter_name(cls, v: str) -> str:
        if v.lower() in RESERVED_NAMES:
            raise ValueError(f"run name {v!r} is reserved for the base model; pick another")
        return v

    @model_validator(mode="after")
    def _no_internal_names_in_names(self) -> PipelineConfig:
        # names end up in run folders, the catalog, manifests and reports: they must be neutral
        names = [n.lower() for n in self.scrub.internal_names]
        for field, value in (("name", self.name), ("train.adapter_name", self.train.adapter_name)):
            if value and any(n in value.lower() for n in names):
                raise ValueError(f"{field} contains one of scrub.internal_names; pick a neutral name")
        return self


def _line_of(node: yaml.Node | None, loc: tuple) -> int | None:
    """The 1-based line of the YAML node at a pydantic error location (the deepest one found)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if k.value == key]
            if not match:
                hit = [k for k, _ in node.value if k.value == key]  # an extra key: point at the key
                return hit[0].start_mark.line + 1 if hit else line
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line


def load_config(path: Path) -> PipelineConfig:
    """Read and validate a pipeline config; a UserError names the file, field and line."""
    try:
        text = path.read_text()
    except OSError as e:
        raise UserError(f"cannot read config {path}: {e.strerror}; pass an existing YAML file") from None
    try:
        data = yaml.safe_load(text) or {}
        tree = yaml.compose(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise UserError(f"{path}{where}: not valid YAML ({getattr(e, 'problem', e)}); fix the syntax") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: the config must be a YAML mapping of sections (name, sources, train, ...)")
    try:
        cfg = PipelineConfig.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        line = _line_of(tree, err["loc"])
        msg = err["msg"] if err["type"] != "extra_forbidden" else "unknown field (check the spelling)"
        more = f" (and {e.error_count() - 1} more)" if e.error_count() > 1 else ""
        raise UserError(f"{path} line {line}: field '{field}': {msg}{more}") from None
    base = path.resolve().parent
    for src in cfg.sources:
        if not src.path.is_absolute():
            src.path = (base / src.path).resolve()
    model = Path(cfg.train.base_model)
    if not model.is_absolute() and (base / model).exists():  # a local model folder or .gguf file
        cfg.train.base_model = str((base / model).resolve())
    ner = Path(cfg.scrub.ner_model)
    if cfg.scrub.ner_model and not ner.is_absolute() and (base / ner).exists():  # a pipeline folder
        cfg.scrub.ner_model = str((base / ner).resolve())
    cfg.filters.benchmarks = [b if b.is_absolute() else (base / b).resolve() for b in cfg.filters.benchmarks]
    return cfg


def process_count(cfg: ScrubConfig | ParseConfig) -> int:
    """The number of scrub (or parse) processes: the configured one, or one per CPU core this process may use."""
    import os

    if cfg.workers:
        return cfg.workers
    # the cores this process may use (a container's limit), not every core of the host
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
