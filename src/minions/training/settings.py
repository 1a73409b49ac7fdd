"""Training settings resolved from the config, the base model and the dataset: every value that was
left null gets one sized to them, and the whole set is printed at start and saved with the adapter."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from minions.config import TrainConfig


@dataclass(frozen=True)
class Settings:
    """What a training run does, every value decided."""

    steps: int
    epochs: float  # passes over the train records that `steps` amounts to
    batch_size: int  # records per step (packed: as many rows as hold them)
    max_length: int
    learning_rate: float
    warmup_steps: int
    schedule: str
    packing: bool
    group_by_length: bool
    lora_variant: str
    lora_r: int
    lora_alpha: int
    lora_dropout: float
    target_modules: list[str] | str
    quantize: str
    template: str
    seed: int
    train_records: int
    val_records: int
    val_every: int
    early_stopping: int
    checkpoint_every: int
    processes: int
    threads: int

    def as_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        """One line per group of settings, for the log at start."""
        lora = f"{self.lora_variant} r {self.lora_r} alpha {self.lora_alpha} dropout {self.lora_dropout}"
        targets = self.target_modules if isinstance(self.target_modules, str) else ",".join(self.target_modules)
        rows = (
            "records in packed rows" if self.packing else "rows grouped by length" if self.group_by_length else "rows"
        )
        val = (
            f"validation on {self.val_records} held-back records every {self.val_every} steps"
            if self.val_records
            else "no validation slice"
        )
        stop = f", early stopping after {self.early_stopping} without improvement" if self.early_stopping else ""
        return "\n".join(
            [
                f"{self.steps} steps ({self.epochs:.2f} epochs of {self.train_records} records), "
                f"batch {self.batch_size} {rows} of up to {self.max_length} tokens, "
                f"{self.processes} process(es) x {self.threads} thread(s)",
                f"lr {self.learning_rate:g}, {self.warmup_steps} warmup steps then {self.schedule}; {lora} on {targets}"
                + (f"; base quantized {self.quantize}" if self.quantize != "none" else ""),
                f"template {self.template}; seed {self.seed}; {val}{stop}; "
                f"checkpoint every {self.checkpoint_every} steps",
            ]
        )


def default_epochs(records: int) -> float:
    """Small datasets need more passes: 3 under 1,000 records, 2 under 10,000, else 1."""
    return 3.0 if records < 1000 else 2.0 if records < 10_000 else 1.0


def resolve_settings(
    cfg: TrainConfig,
    *,
    template: str,
    train_records: int,
    val_records: int,
    batches_per_epoch: int,
    model_parameters: int,
    model_context: int | None,
    processes: int = 1,
) -> Settings:
    """Fill every null setting from the model and the dataset."""
    if cfg.steps is not None:
        steps = cfg.steps
    else:
        steps = max(1, math.ceil((cfg.epochs or default_epochs(train_records)) * batches_per_epoch))
    lr = cfg.learning_rate or (5e-4 if model_parameters < 1_000_000_000 else 2e-4)
    return Settings(
        steps=steps,
        epochs=steps / max(1, batches_per_epoch),
        batch_size=cfg.batch_size,
        max_length=min(cfg.max_length, model_context) if model_context else cfg.max_length,
        learning_rate=lr,
        warmup_steps=round(steps * cfg.warmup),
        schedule=cfg.schedule,
        packing=cfg.packing,
        group_by_length=cfg.group_by_length,
        lora_variant=cfg.lora_variant,
        lora_r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha or 2 * cfg.lora_r,
        lora_dropout=cfg.lora_dropout,
        target_modules=cfg.target_modules,
        quantize=cfg.quantize,
        template=template,
        seed=cfg.seed,
        train_records=train_records,
        val_records=val_records,
        val_every=cfg.val_every or max(1, steps // 5),
        early_stopping=cfg.early_stopping,
        checkpoint_every=cfg.checkpoint_every or max(10, steps // 10),
        processes=processes,
        threads=cfg.threads,
    )
