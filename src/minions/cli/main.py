"""The `minions` entry point: registers the command groups; UserError exits 2, GateFailure 3."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from minions import __version__
from minions.cli import adapters, data, datasets, humaneval, model, preferences, run, serve, train
from minions.cli.common import err
from minions.errors import UserError

app = typer.Typer(
    name="minions",
    help="Turn your own code repositories into small plug-in LoRA adapters, and serve and measure them.\n\n"
    "Quick start: `minions run` (examples/acme-shop to a trained, evaluated adapter).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for module in (run, data, datasets, train, model, adapters, serve, humaneval, preferences):
    module.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"minions {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Turn your own code repositories into small plug-in LoRA adapters, and serve and measure them."""


def main() -> None:
    try:
        app()
    except UserError as e:
        err.print(f"[bold red]error:[/] {escape(str(e))}", soft_wrap=True)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted; continue with --resume where the command offers it")
        sys.exit(130)
