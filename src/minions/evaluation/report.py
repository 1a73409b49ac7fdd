"""The HTML report of an evaluation: metrics side by side, the training curve, a few examples."""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, select_autoescape

from minions.workspace import atomic_write_text, read_jsonl

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>minions report: {{ r.adapter }}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222 }
table { border-collapse: collapse; margin: 1rem 0 } td, th { border: 1px solid #ccc; padding: .3rem .7rem }
th { background: #f4f4f4 } .better { color: #0a6b2d; font-weight: 600 } .worse { color: #a11 }
pre { background: #f7f7f7; padding: .6rem; overflow-x: auto; font-size: 13px }
</style></head><body>
<h1>Adapter <code>{{ r.adapter }}</code> vs base <code>{{ r.base_model }}</code></h1>
<p>{{ r.eval_records }} held-out records ({{ r.split }} split), prompt template <code>{{ r.template }}</code>.
Teacher-forced over completion tokens only; lower loss and higher accuracy are better.</p>
<table id="metrics"><tr><th>metric</th><th>base</th><th>{{ r.adapter }}</th><th>change</th></tr>
{% for m in metric_names %}{% set b = r.models.base[m] %}{% set a = r.models[r.adapter][m] %}
{% set good = (a < b) if m.endswith('loss') else (a > b) %}
<tr><td>{{ m }}</td><td>{{ '%.4f' % b }}</td><td>{{ '%.4f' % a }}</td>
<td class="{{ 'better' if good else 'worse' }}">{{ '%+.4f' % (a - b) }}</td></tr>{% endfor %}
</table>
{% if r.by_task %}<h2>By task</h2>
<table id="by-task"><tr><th>task</th><th>records</th>{% for m in metric_names %}<th>{{ m }}: base</th>
<th>{{ m }}: {{ r.adapter }}</th>{% endfor %}</tr>
{% for task, t in r.by_task.items() %}<tr><td>{{ task }}</td><td>{{ t.records }}</td>
{% for m in metric_names %}<td>{{ '%.4f' % t.models.base[m] }}</td><td>{{ '%.4f' % t.models[r.adapter][m] }}</td>
{% endfor %}
</tr>{% endfor %}</table>{% endif %}
{% if curve %}<h2>Training loss</h2>
<table><tr><th>step</th>{% for s in curve %}<td>{{ s.step }}</td>{% endfor %}</tr>
<tr><th>loss</th>{% for s in curve %}<td>{{ '%.3f' % s.loss }}</td>{% endfor %}</tr></table>{% endif %}
<h2>Examples from the evaluation split</h2>
{% for e in examples %}<h3>{{ e.task }} ({{ e.lang }})</h3><p>{{ e.instruction }}</p>
<pre>{{ e.output }}</pre>{% endfor %}
</body></html>
"""


def write_report(path: Path, results: dict, records: list[dict], adapter: Path) -> None:
    """Render report.html (all text escaped) beside results.json."""
    log = adapter / "train_log.jsonl"
    curve = read_jsonl(log) if log.is_file() else []
    if len(curve) > 12:
        every = len(curve) // 12 + 1
        curve = curve[::every] + ([curve[-1]] if (len(curve) - 1) % every else [])
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    html = env.from_string(_TEMPLATE).render(
        r=json.loads(json.dumps(results)),
        metric_names=list(results["models"]["base"]),
        curve=curve,
        examples=records[:3],
    )
    atomic_write_text(path, html)
