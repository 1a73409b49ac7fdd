"""Stage 4, tasks: build instruction records from code units, one builder per fine-grained step.

Builders register with `@register_task`; the built-ins (`implement_method.py`, `write_test.py`)
are registered the same way a plugin would be. `minions tasks` lists the registry.
"""

from minions.tasks import (  # noqa: F401  (registers the built-in tasks)
    code_completion,
    controller_test,
    design_restful_api,
    doc_generation,
    domain_qa,
    implement_from_test,
    implement_method,
    plantuml_data_structure,
    spring_controller,
    spring_data_method,
    spring_repository,
    spring_service,
    stories,
    text_to_sql,
    write_test,
)
from minions.tasks.registry import TASKS, TaskOptions, build_records, register_task, run_tasks

__all__ = ["TASKS", "TaskOptions", "build_records", "register_task", "run_tasks"]
