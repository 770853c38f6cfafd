"""Answers a query worker writes to the client's socket itself (`workers`, `protocol.Direct`).

With real worker processes and sockets: the bytes the client reads are the head and body the
handler made, what the socket does not take comes back to be written after them, and over
HTTP the first sight of a query (written by its worker) has the very status, headers and bytes
of the second (relayed by the serving process, as every answer was before).
"""

from __future__ import annotations

import asyncio
import socket
import uuid

import httpx
import pytest

from learningcity.server.workers import Answer, Client, Job, QueryPool

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n"


class Connection:
    """A client's socket as the pool sees a connection (`workers.Client`), never lent here."""

    def __init__(self, peer: socket.socket | None) -> None:
        self.peer = peer

    def descriptor(self) -> int | None:
        return self.peer.fileno() if self.peer is not None else None

    def lend(self, recall: object) -> bool:
        return False


def handler(job: Job) -> Answer:
    """A body of the size the query names, with a head when the job asks for one."""
    body = b"x" * int(job.query)
    head = HEAD % len(body) if job.head else b""
    return Answer(200, "text/plain", body, head=head)


def ask(*runs: tuple[Job, Client | None]) -> list[Answer]:
    """The answers of one worker to `runs` in turn, on one event loop (as a serving process)."""

    async def main() -> list[Answer]:
        pool = QueryPool(handler, size=1, timeout=10)
        try:
            return [await pool.run(job, client) for job, client in runs]
        finally:
            pool.close()

    return asyncio.run(main())


def received(peer: socket.socket, size: int) -> bytes:
    chunks, count = [], 0
    while count < size:
        chunk = peer.recv(1 << 20)
        assert chunk, "the connection closed early"
        chunks.append(chunk)
        count += len(chunk)
    return b"".join(chunks)


def test_the_worker_writes_head_and_body_to_the_client() -> None:
    client, peer = socket.socketpair()
    with client, peer:
        [answer] = ask((Job("300", head="x"), Connection(client)))
        assert (answer.direct, answer.body, answer.size) == (True, b"", 300)
        assert received(peer, len(HEAD % 300) + 300) == HEAD % 300 + b"x" * 300


def test_an_empty_body_is_written_with_its_head() -> None:
    """An empty answer (a CONSTRUCT matching nothing, W3C syntax-construct-where-01) is its head
    alone: on f4d34bc its worker looped on sending the empty body until the request timed out."""
    client, peer = socket.socketpair()
    with client, peer:
        [answer] = ask((Job("0", head="x"), Connection(client)))
        assert (answer.direct, answer.body) == (True, b"")
        assert received(peer, len(HEAD % 0)) == HEAD % 0


def test_what_the_socket_does_not_take_comes_back_in_order() -> None:
    client, peer = socket.socketpair()
    with client, peer:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        client.setblocking(False)  # as the event loop keeps a client's socket
        size = 4 << 20
        [answer] = ask((Job(str(size), head="x"), Connection(client)))
        assert answer.direct and answer.body  # the worker did not wait for the reader
        whole = HEAD % size + b"x" * size
        written = len(whole) - len(answer.body)
        assert received(peer, written) + answer.body == whole


def test_without_a_head_or_a_socket_the_answer_is_relayed() -> None:
    client, peer = socket.socketpair()
    with client, peer:
        no_head, no_socket = ask(
            (Job("10"), Connection(client)), (Job("10", head="x"), Connection(None))
        )
        assert (no_head.direct, no_head.body) == (False, b"x" * 10)
        assert (no_socket.direct, no_socket.body) == (False, b"x" * 10)
        peer.setblocking(False)
        with pytest.raises(BlockingIOError):
            peer.recv(1)  # nothing reached the client


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({}, {"Accept": "application/sparql-results+json"}),  # cut at --max-rows: X-SPARQL-MaxRows
        ({}, {"Accept": "text/csv", "Origin": "https://example.org"}),  # CORS
        ({"format": "html"}, {"Accept-Encoding": "gzip"}),  # a page over the gzip threshold
    ],
)
def test_a_first_answer_written_by_its_worker_is_the_relayed_one(
    http: httpx.Client, params: dict[str, str], headers: dict[str, str]
) -> None:
    query = f"SELECT * {{ ?s ?p ?o }} # {uuid.uuid4()}"  # new to the server's caches
    first, second = (
        http.get("/sparql", params={"query": query, **params}, headers=headers) for _ in "12"
    )
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    shown = {name: value for name, value in first.headers.items() if name != "date"}
    assert shown == {name: value for name, value in second.headers.items() if name != "date"}
