"""What every command shares: the stderr console, workspace option, progress bars, results."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from minions.config import PipelineConfig, load_config
from minions.workspace import Workspace, check_input_path

# Progress and logs go to stderr; results go to stdout.
err = Console(stderr=True, highlight=False)

WorkspaceOpt = typer.Option(
    None,
    "--workspace",
    "-w",
    envvar="MINIONS_WORKSPACE",
    help="Workspace folder for everything a run produces.",
    show_default="./minions-workspace",
)
ForceOpt = typer.Option(False, "--force", help="Replace a non-empty output folder (start over).")
ExecutorOpt = typer.Option(
    None, "--executor", help="local | ray: where the data stages run.", show_default="the config's executor.kind, local"
)
RayAddressOpt = typer.Option(
    None, "--ray-address", help="Join this Ray cluster (ray://HOST:10001 or auto).", show_default="start a local Ray"
)


def apply_executor(cfg, executor: str | None, ray_address: str | None) -> None:
    """Put --executor / --ray-address into the config (a bad name is a UserError)."""
    from minions.errors import UserError
    from minions.executor import make_executor

    if executor is not None:
        if executor not in ("local", "ray"):
            raise UserError(f"unknown --executor {executor!r}; use local or ray")
        cfg.executor.kind = executor
        if executor == "local" and ray_address is None:
            cfg.executor.address = None  # the config's Ray address is for the config's ray executor
    if ray_address is not None:
        cfg.executor.address = ray_address
    make_executor(cfg.executor.kind, cfg.executor.processes, cfg.executor.address)  # checks the pair


ResumeOpt = typer.Option(
    False, "--resume", help="Write into the folder a killed run left behind (its work is redone; nothing is lost)."
)
JsonOpt = typer.Option(False, "--json", help="Print the result as JSON on stdout.")
ConfigOpt = typer.Option(None, "--config", "-c", help="Pipeline YAML config (see configs/quickstart.yaml).")


def log(msg: str) -> None:
    err.print(f"[dim]minions[/] {escape(msg)}", soft_wrap=True)


def workspace(path: Path | None) -> Workspace:
    return Workspace.open(path)


def setup_threads() -> None:
    """Small models on 2 cores run several times faster on one thread; respect a user's setting."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def config_or_default(path: Path | None, sources: list[Path] | None = None) -> PipelineConfig:
    """The config from a file, or defaults; sources on the command line replace the config's."""
    cfg = load_config(check_input_path(path, "config")) if path is not None else PipelineConfig()
    if sources:
        from minions.config import SourceConfig

        for s in sources:
            check_input_path(s, "source")
        cfg.sources = [SourceConfig(path=s.resolve()) for s in sources]
    return cfg


@contextmanager
def progress(*bars: tuple[str, int | None]) -> Iterator[list[Callable[..., None]]]:
    """Progress bars on stderr, one per (description, total); yields a function per bar that
    advances it (optionally with a note). A bar shows up when it first advances."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[note]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    ) as bar:
        tasks = [bar.add_task(d, total=t, note="", visible=False) for d, t in bars]

        def advancer(task):
            def advance(note: str = "", total: int | None = None) -> None:
                bar.update(task, advance=1, note=note, visible=True, **({"total": total} if total else {}))
                t = bar.tasks[task]
                every = max(1, int(t.total) // 10) if t.total else 10
                if not err.is_terminal and int(t.completed) % every == 0:
                    # no live bar in a log file or CI: a line every tenth of the way instead
                    total = f"/{int(t.total)}" if t.total else ""
                    log(f"{t.description} {int(t.completed)}{total} {note}".rstrip())

            return advance

        yield [advancer(t) for t in tasks]


def result(value: object, as_json: bool, text: str | None = None) -> None:
    """Print a command's result on stdout: JSON when asked, else the text (a path, a summary line)."""
    if as_json:
        typer.echo(json.dumps(value, indent=2, default=str))
    else:
        typer.echo(text if text is not None else str(value))
