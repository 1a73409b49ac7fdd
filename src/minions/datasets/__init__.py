"""Stage 6, datasets: split by groups, gate (re-scan), and write the dataset folder with its card."""

from minions.datasets.gate import gate_records
from minions.datasets.split import SplitResult, split_records
from minions.datasets.write import write_dataset

__all__ = ["SplitResult", "gate_records", "split_records", "write_dataset"]
