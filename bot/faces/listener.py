"""The listening side of ``quntag serve``: how long a client may take, how many connections one client
address may hold, how clients' faults are logged, and the port the web processes of ``--workers N`` share
(:func:`reserve_port`).

Deadlines: a connection must finish its request headers within ``[server] idle_timeout_s`` of opening
(or of its previous answer, when kept alive), else it is closed; the body then has ``request_timeout_s``
(``bot.webhook``). Neither holds an in-flight slot: only verified deliveries take one.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
from collections import Counter
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from bot.core.metrics import Metrics
from bot.faces.appkeys import CONFIG, METRICS

log = logging.getLogger("quntag.http")

REFUSED_BODY = b'{"error": "too many connections from this address"}'
REFUSED = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
           b"Connection: close\r\nContent-Length: " + str(len(REFUSED_BODY)).encode() + b"\r\n\r\n" + REFUSED_BODY)


class HttpLog(logging.LoggerAdapter[logging.Logger]):
    """aiohttp's server log. A client's malformed HTTP (bad framing, broken chunk sizes, oversized lines)
    is the client's fault and routine on a public port: one INFO line, never an ERROR with a traceback.
    Everything else (our own bugs) keeps aiohttp's ERROR with the traceback."""

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        if isinstance(exc_info, HttpProcessingError) and 400 <= exc_info.code < 500:
            detail = " ".join(str(exc_info.message).split())[:200]
            self.info(f"{msg}: %s", *args, detail, **kwargs)
            return
        super().exception(msg, *args, exc_info=exc_info, **kwargs)


class ClientConnections:
    """Open connections per client address; one over ``limit`` (0: no limit) is refused at once.

    Behind a reverse proxy every client has the proxy's address: raise the limit or set 0 there, and
    cap per client at the proxy instead."""

    def __init__(self, limit: int, metrics: Metrics) -> None:
        self.limit = limit
        self.metrics = metrics
        self.open: Counter[str] = Counter()
        self.warned: set[str] = set()

    def admit(self, address: str) -> bool:
        if self.limit and self.open[address] >= self.limit:
            self.metrics.connections_refused.inc()
            if address not in self.warned:  # once per burst, not once per refused connection
                self.warned.add(address)
                log.warning("refusing connections from %s: %d already open (server.max_connections_per_client)",
                            address, self.open[address])
            return False
        self.open[address] += 1
        return True

    def release(self, address: str) -> None:
        self.open[address] -= 1
        if self.open[address] <= 0:
            del self.open[address]
            self.warned.discard(address)


class CountedConnection(asyncio.Protocol):
    """One client connection: admitted (then handed to aiohttp's protocol, made only now) or refused
    with a 503 before a byte of it is read."""

    def __init__(self, make_protocol: Callable[[], asyncio.Protocol], clients: ClientConnections) -> None:
        self.make_protocol = make_protocol
        self.clients = clients
        self.address = ""
        self.inner: asyncio.Protocol | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        self.address = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        if not self.clients.admit(self.address):
            if isinstance(transport, asyncio.WriteTransport):
                transport.write(REFUSED)
            transport.close()
            return
        self.inner = self.make_protocol()
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self.inner is not None:
            self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received() if self.inner is not None else None

    def pause_writing(self) -> None:
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.inner is not None:
            self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.inner is not None:
            self.clients.release(self.address)
            self.inner.connection_lost(exc)


class CountedSite(web.BaseSite):
    """A TCP site whose connections pass through :class:`ClientConnections` first."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, clients: ClientConnections,
                 reuse_port: bool = False) -> None:
        super().__init__(runner)
        self.host, self.requested_port, self.clients = host, port, clients
        self.reuse_port = reuse_port
        self.port = port

    @property
    def name(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None
        listening = await asyncio.get_running_loop().create_server(
            lambda: CountedConnection(server, self.clients), self.host, self.requested_port, backlog=self._backlog,
            reuse_port=self.reuse_port or None)
        self._server = listening
        if listening.sockets:
            self.port = int(listening.sockets[0].getsockname()[1])


async def listen(app: web.Application, host: str, port: int, reuse_port: bool = False) -> tuple[web.AppRunner, int]:
    """Serve ``app`` on ``host:port`` (0: any free port); returns the runner (cleanup stops it) and the port.
    OSError when the address cannot be bound (in use, no such host), with everything stopped again.
    ``reuse_port``: share the port with the other web processes of one server (SO_REUSEPORT: the kernel
    spreads new connections over them)."""
    server = app[CONFIG].server
    # No per-request access log: at webhook rates it would dwarf everything else (metrics count requests).
    # keepalive_timeout also runs from the moment a connection opens until its headers are complete, so
    # it is the header deadline for new connections and the idle limit for kept-alive ones.
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=10, access_log=None,
                           logger=HttpLog(log), keepalive_timeout=server.idle_timeout_s)
    await runner.setup()
    site = CountedSite(runner, host, port, ClientConnections(server.max_connections_per_client, app[METRICS]),
                       reuse_port)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()  # the services setup() started stop again: the caller reports the socket
        raise
    return runner, site.port


def settle_heap() -> None:
    """Once a server process has started: collect, then move every object alive now (modules, config, rules,
    compiled templates) out of the collector's sight. A long-running server keeps them for its whole life, and
    each full collection would otherwise walk them all again, pausing requests for a few hundred ms."""
    gc.collect()
    gc.freeze()


def reserve_port(host: str, port: int) -> socket.socket:
    """Bind (without listening) ``host:port`` with SO_REUSEPORT: port 0 becomes a real port that every web
    process then shares, and a port held by anything else fails here, before a child starts."""
    family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock
