"""Prometheus metrics (contract §6), on a registry owned by one app — no process-global state."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.accepted = Counter("quntag_events_accepted_total", "Events accepted (durable, new)",
                                ["adapter"], registry=r)
        self.duplicate = Counter("quntag_events_duplicate_total", "Deliveries ignored as duplicates",
                                 ["adapter"], registry=r)
        self.rejected = Counter("quntag_events_rejected_total", "Deliveries rejected (auth, malformed, size)",
                                ["adapter", "reason"], registry=r)
        self.processed = Counter("quntag_events_processed_total", "Events processed", ["adapter"], registry=r)
        self.ignored = Counter("quntag_events_ignored_total", "Well-formed deliveries with nothing for us",
                               ["adapter", "reason"], registry=r)
        self.dropped = Counter("quntag_events_dropped_total",
                               "Deliveries refused under overload by platforms that never retry", ["adapter"],
                               registry=r)
        self.connections_refused = Counter(
            "quntag_connections_refused_total",
            "Connections closed at once: their client address already had max_connections_per_client open",
            registry=r)
        self.lag = Gauge("quntag_processing_lag_seconds", "Age of the oldest unprocessed event", registry=r)
        self.sent = Counter("quntag_messages_sent_total", "Messages delivered to platforms", ["adapter"],
                            registry=r)
        self.send_failures = Counter("quntag_send_failures_total", "Failed send attempts", ["adapter"],
                                     registry=r)
        self.outbox_dropped = Counter("quntag_outbox_dropped_total",
                                      "Queued messages dropped because too many were waiting for one chat",
                                      ["adapter", "reason"], registry=r)

    def render(self) -> bytes:
        return generate_latest(self.registry)
