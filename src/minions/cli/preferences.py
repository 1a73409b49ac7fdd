"""`minions preferences`: the marks made on `minions serve`'s /ui page."""

from __future__ import annotations

from pathlib import Path

import typer

from minions.cli.common import WorkspaceOpt, log, result, workspace
from minions.errors import UserError

group = typer.Typer(help="Which output was better, as marked on `minions serve`'s /ui page.", no_args_is_help=True)


@group.command("export")
def export(
    out: Path = typer.Option(..., "--out", "-o", help="JSONL file to write (replaced if it exists)."),
    ws: Path = WorkspaceOpt,
) -> None:
    """Write the marks as preference pairs for DPO, in trl's conversational format: one JSON line per
    pair with prompt (the messages), chosen and rejected (one assistant turn each), task, record_id,
    chosen_model and rejected_model. A mark among N outputs gives N-1 pairs; a tie gives none.

    Example: minions preferences export --out prefs.jsonl
    """
    from minions.serving.preferences import export_preferences

    if out.is_dir():
        raise UserError(f"--out {out} is a folder; name a .jsonl file")
    summary = export_preferences(workspace(ws), out)
    log(f"preferences: {summary.marks} mark(s), {summary.pairs} pair(s) written, {summary.ties} tie(s) without a pair")
    result(str(out.resolve()), False)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="preferences")
