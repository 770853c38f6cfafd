"""A connection lent to a query worker (`lease`, `workers`), with real worker processes and
sockets: the worker answers the next plain queries itself and gives back, unanswered, exactly
the bytes it does not answer (another request, a repeat, pipelined requests), when recalled,
when idle, and when the client closes; a lent request past its deadline is a QueryTimeout that
closes the connection; a worker lost between lent requests costs nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from learningcity.server.lease import IDLE_S, PARTIAL_S
from learningcity.server.workers import Answer, Job, QueryPool, QueryTimeout

HEAD_REST = "server: test\r\n"


def handler(job: Job) -> Answer:
    """The query's own text as the body; `sleep=S` sleeps S seconds first; `hog` runs out of
    memory (as a worker at its cap does); `big=N` is N bytes."""
    if job.query.startswith("sleep="):
        time.sleep(float(job.query[6:]))
    if job.query == "hog":
        raise MemoryError
    body = b"x" * int(job.query[4:]) if job.query.startswith("big=") else job.query.encode()
    head = (job.head + f"content-length: {len(body)}\r\n\r\n").encode() if job.head else b""
    return Answer(200, "text/plain", body, head=head)


def reader(
    method: str, query_string: str, headers: dict[bytes, str], body: bytes, head: str
) -> Job:
    """The endpoint's reading, simplified: the query string (or a POST's body) is the query."""
    query = body.decode() if method == "POST" else query_string
    if not query:
        raise ValueError("not a query")
    return Job(query, head=head)


class Lendable:
    """A client's socket as the pool sees a connection it may lend (`workers.Client`)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.recall: Callable[[], None] | None = None
        self.lent = 0

    def descriptor(self) -> int | None:
        return self.sock.fileno()

    def lend(self, recall: Callable[[], None]) -> bool:
        self.recall = recall
        self.lent += 1
        return True


def first_job(query: str) -> Job:
    return Job(query, head="HTTP/1.1 200 OK\r\n", lease_head=HEAD_REST)


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nhost: x\r\n\r\n".encode()


def read_answer(peer: socket.socket) -> tuple[bytes, bytes]:
    """(head, body) of one answer read from `peer`."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = peer.recv(65536)
        assert chunk, "closed before an answer"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    while len(body) < length:
        body += peer.recv(65536)
    return head, body


@contextmanager
def connection() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, peer = socket.socketpair()
    ours.setblocking(False)  # as the event loop keeps a client's socket
    peer.settimeout(10)
    with ours, peer:
        yield ours, peer


def run(main: Callable[[QueryPool], object], size: int = 1, timeout: float = 10) -> object:
    async def go() -> object:
        pool = QueryPool(handler, size=size, timeout=timeout, reader=reader)
        try:
            return await main(pool)  # type: ignore[misc]
        finally:
            pool.close()

    return asyncio.run(go())


def test_the_worker_answers_the_next_queries_and_gives_back_another_request() -> None:
    with connection() as (ours, peer):
        client = Lendable(ours)

        async def main(pool: QueryPool) -> Answer:
            task = asyncio.ensure_future(pool.run(first_job("q1"), client))
            answers = [await asyncio.to_thread(read_answer, peer)]
            for number in (2, 3):
                peer.sendall(get(f"/sparql?q{number}"))
                answers.append(await asyncio.to_thread(read_answer, peer))
            peer.sendall(b"POST /sparql HTTP/1.1\r\ncontent-length: 2\r\n\r\nq4")
            answers.append(await asyncio.to_thread(read_answer, peer))
            assert [body for _, body in answers] == [b"q1", b"q2", b"q3", b"q4"]
            assert answers[1][0].startswith(b"HTTP/1.1 200 OK\r\ndate: ")
            assert answers[1][0].endswith(HEAD_REST.encode() + b"content-length: 2")
            peer.sendall(get("/doc/city"))
            return await task

        answer = run(main)
        assert isinstance(answer, Answer)
        assert (answer.direct, answer.unread, answer.body, answer.repeat) == (
            True,
            get("/doc/city"),
            b"",
            0,
        )
        assert client.lent == 1


@pytest.mark.parametrize(
    ("sent", "repeat"),
    [
        (get("/sparql?q1"), True),  # a repeat: the serving process's caches answer it
        (get("/sparql?a") + get("/sparql?b"), False),  # pipelined: read as one
        (
            b"POST /sparql HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n3\r\nq=x\r\n0\r\n\r\n",
            False,
        ),
        (b"HEAD /sparql?a HTTP/1.1\r\n\r\n", False),
        (b"GET /sparql?a HTTP/1.0\r\n\r\n", False),
        (b"GET /sparql?a HTTP/1.1\r\nconnection: close\r\n\r\n", False),
        (b"GET /sparql?a HTTP/1.1\r\nx-forwarded-for: 10.0.0.1\r\n\r\n", False),
        (b"GET /sparql HTTP/1.1\r\n\r\n", False),  # no query: the query page
        (b"NOT HTTP\r\n\r\n", False),
    ],
)
def test_what_the_worker_does_not_answer_goes_back_unread(sent: bytes, repeat: bool) -> None:
    with connection() as (ours, peer):

        async def main(pool: QueryPool) -> Answer:
            task = asyncio.ensure_future(pool.run(first_job("q1"), Lendable(ours)))
            await asyncio.to_thread(read_answer, peer)
            peer.sendall(sent)
            return await task

        answer = run(main)
        assert isinstance(answer, Answer)
        assert answer.unread == sent
        assert bool(answer.repeat) is repeat
        if repeat:
            assert answer.repeat == hash(Job("q1"))


def test_a_recall_ends_the_lease_at_once() -> None:
    with connection() as (ours, peer):
        client = Lendable(ours)

        async def main(pool: QueryPool) -> tuple[Answer, float]:
            task = asyncio.ensure_future(pool.run(first_job("q1"), client))
            await asyncio.to_thread(read_answer, peer)
            start = time.monotonic()
            assert client.recall is not None
            client.recall()
            return await task, time.monotonic() - start

        answer, seconds = run(main)  # type: ignore[misc]
        assert answer.unread == b"" and seconds < IDLE_S / 2


def test_a_second_connection_gets_the_only_worker_by_recalling_the_first() -> None:
    with connection() as (first, first_peer), connection() as (second, second_peer):

        async def main(pool: QueryPool) -> list[Answer]:
            lent = asyncio.ensure_future(pool.run(first_job("a"), Lendable(first)))
            await asyncio.to_thread(read_answer, first_peer)
            start = time.monotonic()
            plain = Job("b", head="HTTP/1.1 200 OK\r\n")  # answered, not lent
            other = await pool.run(plain, Lendable(second))
            assert time.monotonic() - start < IDLE_S / 2  # not the idle end
            return [await lent, other]

        back, other = run(main)  # type: ignore[misc]
        assert back.unread == b"" and other.direct
        assert second_peer.recv(100).endswith(b"b")


def test_an_idle_or_closed_connection_goes_back() -> None:
    for close in (False, True):
        with connection() as (ours, peer):

            async def main(pool: QueryPool, close: bool = close) -> tuple[Answer, float]:
                task = asyncio.ensure_future(pool.run(first_job("q1"), Lendable(ours)))
                await asyncio.to_thread(read_answer, peer)
                start = time.monotonic()
                if close:
                    peer.shutdown(socket.SHUT_WR)
                return await task, time.monotonic() - start

            answer, seconds = run(main)  # type: ignore[misc]
            assert answer.unread == b""
            assert seconds < IDLE_S / 2 if close else IDLE_S * 0.9 < seconds < IDLE_S * 3


def test_a_lent_request_past_its_deadline_is_a_timeout_that_closes() -> None:
    with connection() as (ours, peer):

        async def main(pool: QueryPool) -> None:
            task = asyncio.ensure_future(pool.run(first_job("q1"), Lendable(ours)))
            await asyncio.to_thread(read_answer, peer)
            peer.sendall(get("/sparql?sleep=5"))
            start = time.monotonic()
            with pytest.raises(QueryTimeout) as stopped:
                await task
            assert stopped.value.close and time.monotonic() - start < 2.5
            answer = await pool.run(Job("after"))  # a fresh worker took its place
            assert answer.body == b"after"

        run(main, timeout=1)


def test_a_worker_lost_between_lent_requests_costs_nothing() -> None:
    with connection() as (ours, peer):

        async def main(pool: QueryPool) -> Answer:
            task = asyncio.ensure_future(pool.run(first_job("q1"), Lendable(ours)))
            await asyncio.to_thread(read_answer, peer)
            [worker] = pool.pids
            await asyncio.sleep(0.3)  # between requests: the answer's last write behind it
            os.kill(worker, signal.SIGKILL)
            return await task

        answer = run(main)
        assert isinstance(answer, Answer) and answer.unread == b"" and answer.direct


def test_a_lent_request_out_of_memory_goes_back_and_its_worker_is_replaced() -> None:
    with connection() as (ours, peer):

        async def main(pool: QueryPool) -> tuple[Answer, list[int], list[int]]:
            before = pool.pids
            task = asyncio.ensure_future(pool.run(first_job("q1"), Lendable(ours)))
            await asyncio.to_thread(read_answer, peer)
            peer.sendall(get("/sparql?hog"))
            answer = await task
            return answer, before, pool.pids

        answer, before, after = run(main)  # type: ignore[misc]
        assert answer.unread == get("/sparql?hog") and answer.retire
        assert len(after) == 1 and after != before


def test_what_a_slow_reader_does_not_take_of_a_lent_answer_comes_back_in_order() -> None:
    """The worker never waits on a client: the rest of a lent answer its socket did not take
    ends the lease, for the serving process to write after it."""
    with connection() as (ours, peer):
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        size = 4 << 20

        async def main(pool: QueryPool) -> Answer:
            task = asyncio.ensure_future(pool.run(first_job("q1"), Lendable(ours)))
            await asyncio.to_thread(read_answer, peer)
            peer.sendall(get(f"/sparql?big={size}"))
            return await task  # while the client reads nothing

        answer = run(main)
        assert isinstance(answer, Answer) and answer.body and answer.unread == b""
        expected_end = b"content-length: %d\r\n\r\n" % size + b"x" * size
        written = b""
        peer.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            while chunk := peer.recv(1 << 20):
                written += chunk
        assert (written + answer.body).endswith(expected_end)
        assert written.startswith(b"HTTP/1.1 200 OK\r\ndate: ")


def test_a_steady_trickle_goes_back_at_the_partial_deadline() -> None:
    """A request that keeps coming a few bytes at a time (60 KB at 0.2 ms a byte) goes back at
    PARTIAL_S, unread, whatever its pace: the worker is not held for as long as bytes come."""
    with connection() as (ours, peer):
        trickle = get("/sparql?q")[:-2] + b"x-long: " + b"x" * 60_000
        stop = threading.Event()

        def send() -> None:
            for at in range(len(trickle)):
                if stop.is_set():
                    return
                with contextlib.suppress(OSError):
                    peer.send(trickle[at : at + 1])
                time.sleep(0.0002)

        async def main(pool: QueryPool) -> tuple[Answer, float]:
            task = asyncio.ensure_future(pool.run(first_job("q1"), Lendable(ours)))
            await asyncio.to_thread(read_answer, peer)
            sender = threading.Thread(target=send)
            start = time.monotonic()
            sender.start()
            try:
                return await task, time.monotonic() - start
            finally:
                stop.set()
                sender.join()

        answer, seconds = run(main)  # type: ignore[misc]
        assert seconds < PARTIAL_S + 0.5, seconds
        assert answer.unread and trickle.startswith(answer.unread)
