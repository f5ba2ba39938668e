"""Connections are spread evenly over ready workers, and wait while none is ready."""

from __future__ import annotations

import socket
import time

from nkwatch.service.dispatch import READY, ConnectionDispatcher


def _received(channel: socket.socket, expect: int, timeout: float = 5.0) -> list[socket.socket]:
    channel.settimeout(timeout)
    got: list[socket.socket] = []
    while len(got) < expect:
        _, fds, _, _ = socket.recv_fds(channel, 1, 8)
        got += [socket.socket(fileno=fd) for fd in fds]
    return got


def _nothing_more(channel: socket.socket) -> None:
    channel.setblocking(False)
    try:
        socket.recv_fds(channel, 1, 8)
    except BlockingIOError:
        return
    raise AssertionError("a connection went to this worker unexpectedly")


def test_round_robin_over_ready_workers_only() -> None:
    public = socket.create_server(("127.0.0.1", 0))
    port = public.getsockname()[1]
    dispatcher = ConnectionDispatcher(public)
    pairs = [socket.socketpair() for _ in range(3)]
    for ours, _ in pairs:
        dispatcher.attach(ours)
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
    time.sleep(0.2)  # nobody is ready yet: the connections wait in the dispatcher
    _nothing_more(pairs[0][1])
    pairs[0][1].send(READY)  # the waiting two go to the first worker up
    pairs[0][1].setblocking(True)
    first = _received(pairs[0][1], 2)
    pairs[1][1].send(READY)  # the third worker never says it is ready
    time.sleep(0.2)
    clients += [socket.create_connection(("127.0.0.1", port)) for _ in range(6)]
    first += _received(pairs[0][1], 3)
    second = _received(pairs[1][1], 3)
    assert len(first) == 5 and len(second) == 3
    # the handed-over sockets are the clients' connections, usable as-is
    peers = {c.getsockname() for c in clients}
    assert {s.getpeername() for s in first + second} == peers
    first[0].sendall(b"hello")
    owner = next(c for c in clients if c.getsockname() == first[0].getpeername())
    assert owner.recv(5) == b"hello"
    time.sleep(0.1)
    for _, theirs in pairs:  # 5/3 exactly, and none to the worker that is not ready
        _nothing_more(theirs)
    dispatcher.close()
    for s in [*clients, *first, *second, public]:
        s.close()
