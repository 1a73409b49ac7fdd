import math

import torch

from minions.evaluation.metrics import METRICS, EvalLoss, TokenAccuracy


def test_metrics_count_completion_tokens_only():
    # vocab 3; sequence of 4 tokens; labels: prompt (-100), then tokens 1, 2, 0
    labels = torch.tensor([[-100, 1, 2, 0]])
    logits = torch.full((1, 4, 3), -1e4)
    logits[0, 0, 1] = 0  # predicts 1 at position 1: right
    logits[0, 1, 0] = 0  # predicts 0 at position 2 (label 2): wrong
    logits[0, 2, 0] = 0  # predicts 0 at position 3: right
    logits[0, 3, 2] = 0  # the last position predicts nothing scored
    acc = TokenAccuracy()
    acc.update(logits, labels)
    assert acc.result() == 2 / 3
    loss = EvalLoss()
    loss.update(logits, labels)
    assert math.isclose(loss.result(), 1e4 / 3, rel_tol=1e-3)


def test_uniform_logits_give_log_vocab():
    labels = torch.tensor([[-100, 1, 2, 0, 1]])
    loss = EvalLoss()
    loss.update(torch.zeros((1, 5, 7)), labels)
    assert math.isclose(loss.result(), math.log(7), rel_tol=1e-6)
    assert set(METRICS) >= {"eval_loss", "token_accuracy"}
