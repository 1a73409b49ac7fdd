"""Teacher-forced metrics over completion tokens only (labels != -100).

A metric accumulates over batches (`update(logits, labels)`) and reports one number (`result()`).
Register a new one with `@register_metric`; every registered metric is reported for every model.
"""

from __future__ import annotations

from collections.abc import Callable

METRICS: dict[str, Callable[[], Metric]] = {}


def register_metric(name: str):
    def deco(cls):
        if name in METRICS:
            raise ValueError(f"metric {name!r} is already registered")
        METRICS[name] = cls
        return cls

    return deco


class Metric:
    def update(self, logits, labels) -> None: ...

    def result(self) -> float: ...


def _shift(logits, labels):
    """Next-token alignment: position t predicts token t+1."""
    return logits[:, :-1, :], labels[:, 1:]


@register_metric("eval_loss")
class EvalLoss(Metric):
    """Mean cross-entropy per completion token."""

    def __init__(self):
        self.total, self.count = 0.0, 0

    def update(self, logits, labels) -> None:
        import torch.nn.functional as F

        lg, lb = _shift(logits, labels)
        loss = F.cross_entropy(lg.reshape(-1, lg.size(-1)), lb.reshape(-1), ignore_index=-100, reduction="sum")
        self.total += loss.item()
        self.count += int((lb != -100).sum())

    def result(self) -> float:
        return self.total / max(self.count, 1)


@register_metric("token_accuracy")
class TokenAccuracy(Metric):
    """Share of completion tokens the model predicts exactly (greedy, teacher-forced)."""

    def __init__(self):
        self.right, self.count = 0, 0

    def update(self, logits, labels) -> None:
        lg, lb = _shift(logits, labels)
        mask = lb != -100
        self.right += int(((lg.argmax(-1) == lb) & mask).sum())
        self.count += int(mask.sum())

    def result(self) -> float:
        return self.right / max(self.count, 1)


def record_losses(logits, labels) -> list[float]:
    """Each row's mean cross-entropy per completion token (0.0 for a row with none)."""
    import torch.nn.functional as F

    lg, lb = _shift(logits, labels)
    loss = F.cross_entropy(lg.transpose(1, 2), lb, ignore_index=-100, reduction="none").sum(-1)
    counts = (lb != -100).sum(-1).clamp(min=1)
    return (loss / counts).tolist()
