"""The HTML report of an evaluation: per task, the base and each adapter side by side with deltas and
their bootstrap 95% intervals; plots (each metric by model, the training loss curves); and the
worst examples (where an adapter did worst against the base). One self-contained file: the plots are
embedded PNGs, all text is escaped."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

from jinja2 import Environment, select_autoescape

from minions.workspace import atomic_write_text, read_jsonl

WORST = 10
MIN_MARKED = 10  # a delta over fewer paired records is shown but never marked better or worse
# metrics where lower is better; every other metric is better higher
LOWER_BETTER = ("eval_loss",)

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>minions report: {{ names|join(', ') }}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222 }
table { border-collapse: collapse; margin: 1rem 0 } td, th { border: 1px solid #ccc; padding: .3rem .6rem }
th { background: #f4f4f4 } .better { color: #0a6b2d; font-weight: 600 } .worse { color: #a11 }
.ci { color: #666; font-size: 12px } pre { background: #f7f7f7; padding: .6rem; overflow-x: auto; font-size: 13px }
.side { display: grid; grid-template-columns: repeat({{ names|length + 2 }}, minmax(0, 1fr)); gap: .5rem }
img { max-width: 100% }
</style></head><body>
<h1>{% for n in names %}<code>{{ n }}</code>{{ ', ' if not loop.last }}{% endfor %}
vs base <code>{{ r.base_model }}</code></h1>
<p>{{ r.eval_records }} held-out records ({{ r.split }} split), teacher-forced over completion tokens;
{{ r.generated_records }} of them (spread over the tasks, seeded) generated greedily by every model and scored.
Prompt template of the base: <code>{{ r.template }}</code>. Deltas are adapter minus base, with a paired
bootstrap 95% interval; a delta is marked better or worse only when its interval excludes 0 and it
rests on at least {{ min_marked }} records.</p>
<h2>Overall</h2>
{{ table(overall_rows, 'metrics') }}
{% if r.memorisation %}<h2>Memorisation</h2>
<p>Share of generated outputs that reproduce {{ r.memorisation.window_tokens }} tokens of a training output
({{ r.memorisation.train_records }} records) verbatim; an adapter's share minus the base's is what training added.</p>
<table id="memorisation"><tr><th>model</th><th>share</th><th>minus base</th></tr>
{% for m, v in r.memorisation.share.items() %}<tr><td>{{ m }}</td><td>{{ '%.4f' % v }}</td>
<td>{{ '%+.4f' % r.memorisation.adapter_minus_base[m] if m in r.memorisation.adapter_minus_base else '' }}</td></tr>
{% endfor %}</table>{% endif %}
<h2>By task</h2>
<table id="by-task"><tr><th>task</th><th>records</th><th>generated</th><th>eval_loss: base</th>
{% for n in names %}<th>eval_loss: {{ n }}</th>{% endfor %}</tr>
{% for task, t in r.by_task.items() %}<tr><td>{{ task }}</td><td>{{ t.records }}</td><td>{{ t.generated }}</td>
<td>{{ '%.4f' % t.models.base.eval_loss }}</td>
{% for n in names %}<td>{{ '%.4f' % t.models[n].eval_loss }}</td>{% endfor %}
</tr>{% endfor %}</table>
{% for task, rows in task_rows.items() %}
<h2 id="task-{{ task }}">{{ task }}</h2>
<p>{{ r.by_task[task].records }} records, {{ r.by_task[task].generated }} generated.</p>
{{ table(rows, 'by-task') }}
{% endfor %}
{% for title, png in plots %}<h2>{{ title }}</h2>
<img alt="{{ title }}" src="data:image/png;base64,{{ png }}">{% endfor %}
<h2>Worst examples</h2>
<p>Per adapter, the records where it did worst against the base: generated records by the code
ladder's highest rung, then edit similarity; the rest by eval loss.</p>
{% for w in worst %}<h3>{{ w.adapter }}: {{ w.task }} <span class="ci">({{ w.why }})</span></h3>
{% if w.instruction %}<p>{{ w.instruction }}</p>{% endif %}
<div class="side"><div><b>reference</b><pre>{{ w.reference }}</pre></div>
{% for m, text in w.outputs.items() %}<div><b>{{ m }}</b><pre>{{ text }}</pre></div>{% endfor %}</div>
{% endfor %}
</body></html>
"""

_TABLE = """{% macro table(rows, id) %}<table class="{{ id }}"><tr><th>metric</th><th>base</th>
{% for n in names %}<th>{{ n }}</th><th>change</th>{% endfor %}</tr>
{% for row in rows %}<tr><td>{{ row.metric }}</td><td>{{ row.base }}</td>
{% for c in row.cells %}<td>{{ c.value }}</td><td class="{{ c.mark }}">{{ c.delta }}
{% if c.ci %}<div class="ci">{{ c.ci }}</div>{% endif %}</td>{% endfor %}</tr>{% endfor %}</table>{% endmacro %}"""


def _fmt(v) -> str:
    return "" if v is None else f"{v:.4f}"


def _rows(models: dict, deltas: dict, names: list[str]) -> list[dict]:
    """One row per metric: the base's value, and per adapter its value, delta and interval."""
    metrics = list(dict.fromkeys(k for m in models.values() for k in m))
    rows = []
    for metric in metrics:
        cells = []
        for n in names:
            d = (deltas.get(n) or {}).get(metric)
            mark = ""
            if d and d["n"] >= MIN_MARKED and (d["low"] > 0 or d["high"] < 0):
                up = d["delta"] > 0
                mark = "worse" if up == (metric in LOWER_BETTER) else "better"
            cells.append(
                {
                    "value": _fmt(models.get(n, {}).get(metric)),
                    "delta": f"{d['delta']:+.4f}" if d else "",
                    "ci": f"[{d['low']:+.4f}, {d['high']:+.4f}] n={d['n']}" if d else "",
                    "mark": mark,
                }
            )
        rows.append({"metric": metric, "base": _fmt(models.get("base", {}).get(metric)), "cells": cells})
    return rows


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode()


def _plots(results: dict, names: list[str], adapters: list[Path]) -> list[tuple[str, str]]:
    """(title, base64 PNG): each metric by model over all tasks, and the adapters' training loss."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = []
    overall = {m: {**results["models"][m], **results.get("generated", {}).get(m, {})} for m in ["base", *names]}
    metrics = list(dict.fromkeys(k for v in overall.values() for k in v))
    if metrics:
        fig, axes = plt.subplots(1, len(metrics), figsize=(2.4 * len(metrics), 2.6), squeeze=False)
        for ax, metric in zip(axes[0], metrics, strict=True):
            models = [m for m in overall if metric in overall[m]]
            ax.bar(models, [overall[m][metric] for m in models], color=["#999", *["#2a6"] * (len(models) - 1)])
            ax.set_title(metric, fontsize=9)
            ax.tick_params(axis="x", labelrotation=45, labelsize=7)
            ax.tick_params(axis="y", labelsize=7)
        out.append(("Metrics by model", _png(fig)))
        plt.close(fig)
    curves = [(n, read_jsonl(a / "train_log.jsonl")) for n, a in zip(names, adapters, strict=True)]
    curves = [(n, c) for n, c in curves if c]
    if curves:
        fig, ax = plt.subplots(figsize=(6, 3))
        for n, c in curves:
            ax.plot([e["step"] for e in c], [e["loss"] for e in c], label=n)
        ax.set_xlabel("step")
        ax.set_ylabel("training loss")
        ax.legend(fontsize=8)
        out.append(("Training loss", _png(fig)))
        plt.close(fig)
    return out


def worst_examples(results: dict, records: dict[str, dict], names: list[str], k: int = WORST) -> list[dict]:
    """Per adapter, the `k` records where it did worst against the base: generated samples first (a
    lower ladder rung, then lower edit similarity), then the remaining records by eval loss rise."""
    from minions.evaluation.outputs import reference

    def rung(s: dict) -> int:
        return sum(1 for key in ("parses", "compiles") if s.get(key))

    found = []
    for n in names:
        gen = []
        for sample in results.get("samples", []):
            a, b = sample["scores"][n], sample["scores"]["base"]
            gap = (rung(b) - rung(a), b.get("edit_similarity", 0) - a.get("edit_similarity", 0))
            if gap > (0, 0):
                gen.append((gap, sample, f"rung {rung(b)} -> {rung(a)}, edit similarity {_fmt(gap[1])} lower"))
        gen.sort(key=lambda x: x[0], reverse=True)
        picked = [(s["id"], why, s["outputs"]) for _, s, why in gen[:k]]
        seen = {i for i, *_ in picked}
        by_loss = sorted(results.get("records", []), key=lambda r: r["loss"]["base"] - r["loss"][n])
        for row in by_loss:
            if len(picked) >= k:
                break
            rise = row["loss"][n] - row["loss"]["base"]
            if row["id"] not in seen and rise > 0:
                picked.append((row["id"], f"eval loss +{rise:.3f}", {}))
        for rid, why, outputs in picked:
            rec = records.get(rid, {})
            found.append(
                {
                    "adapter": n,
                    "task": rec.get("task", ""),
                    "why": why,
                    "instruction": rec.get("instruction", ""),
                    "reference": reference(rec),
                    "outputs": {m: outputs[m] for m in ("base", n) if m in outputs},
                }
            )
    return found


def write_report(path: Path, results: dict, adapters: list[Path], records: list[dict] | None = None) -> None:
    """Render report.html (all text escaped) beside results.json."""
    names = [a["name"] for a in results["adapters"]]
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    macro = env.from_string(_TABLE).make_module({"names": names}).table
    r = json.loads(json.dumps(results))
    overall_models = {m: {**r["models"][m], **r.get("generated", {}).get(m, {})} for m in r["models"]}
    html = env.from_string(_TEMPLATE).render(
        r=r,
        names=names,
        min_marked=MIN_MARKED,
        table=macro,
        overall_rows=_rows(overall_models, r.get("deltas", {}), names),
        task_rows={t: _rows(e["models"], e.get("deltas", {}), names) for t, e in r["by_task"].items()},
        plots=_plots(r, names, adapters),
        worst=worst_examples(r, {x.get("id"): x for x in records or []}, names),
    )
    atomic_write_text(path, html)
