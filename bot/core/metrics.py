"""Prometheus metrics (contract §6), on a registry owned by one app — no process-global state.

Under ``quntag serve --workers N`` every process of the server writes its values to files in one folder
(prometheus_client's multiprocess mode, switched on by :func:`share_between_processes` in each process
before it makes its metrics), and ``/metrics`` in any web process sums them: the whole server's counts.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest, multiprocess, values

SHARED_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"


def share_between_processes(folder: str) -> None:
    """Keep this process's metric values in ``folder``, where every process of the server keeps its own."""
    os.environ[SHARED_DIR_ENV] = folder
    values.ValueClass = values.MultiProcessValue()  # type: ignore[no-untyped-call]


def forget_process(pid: int) -> None:
    """A process of the server ended: its gauges stop counting (its counters keep their totals)."""
    folder = os.environ.get(SHARED_DIR_ENV)
    if folder:
        multiprocess.mark_process_dead(pid, folder)  # type: ignore[no-untyped-call]


def restart_counter() -> Counter:
    """Processes of the server restarted after they ended unexpectedly, by role (kept by the parent)."""
    return Counter("quntag_process_restarts_total", "Server processes restarted after they ended unexpectedly",
                   ["role"], registry=None)


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
        self.lag = Gauge("quntag_processing_lag_seconds", "Age of the oldest unprocessed event", registry=r,
                         multiprocess_mode="livemax")
        self.sent = Counter("quntag_messages_sent_total", "Messages delivered to platforms", ["adapter"],
                            registry=r)
        self.send_failures = Counter("quntag_send_failures_total", "Failed send attempts", ["adapter"],
                                     registry=r)
        self.outbox_dropped = Counter("quntag_outbox_dropped_total",
                                      "Queued messages dropped because too many were waiting for one chat",
                                      ["adapter", "reason"], registry=r)

    def render(self) -> bytes:
        folder = os.environ.get(SHARED_DIR_ENV)
        if not folder:
            return generate_latest(self.registry)
        every = CollectorRegistry()
        multiprocess.MultiProcessCollector(every, folder)  # type: ignore[no-untyped-call]
        return generate_latest(every)
