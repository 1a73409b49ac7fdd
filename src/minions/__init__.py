"""minions: turn your own code repositories into small plug-in LoRA adapters.

Stages, in pipeline order (one subpackage each): sources, scrub, parsing, tasks, filters, datasets,
training, adapters, serving, evaluation; `pipeline` runs them together. See ARCHITECTURE.md.
"""

__version__ = "0.1.0"
