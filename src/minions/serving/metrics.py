"""Prometheus metrics of one server (its own registry: two servers in one process never share)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self):
        r = self.registry
        self.requests = Counter(
            "minions_requests", "Requests answered, by model and HTTP status", ["model", "status"], registry=r
        )
        self.tokens = Counter(
            "minions_tokens", "Tokens processed, by model and kind (prompt, completion)", ["model", "kind"], registry=r
        )
        self.latency = Histogram(
            "minions_request_seconds",
            "Time from request to last token, by model",
            ["model"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.waiting = Gauge("minions_queue_depth", "Sequences waiting for a slot in the batch", registry=r)
        self.running = Gauge("minions_running_sequences", "Sequences being generated", registry=r)
        self.loaded = Gauge("minions_loaded_adapters", "Adapters in memory", registry=r)

    def render(self, waiting: int, running: int, loaded: int) -> bytes:
        """The Prometheus text exposition, the engine's gauges read now."""
        self.waiting.set(waiting)
        self.running.set(running)
        self.loaded.set(loaded)
        return generate_latest(self.registry)
