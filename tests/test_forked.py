"""`learningcity.forked`: statements parsed in a forked process reach the caller as the same
N-Triples lines, errors and warnings as parsing in the caller gives, and the child never
outlives the block."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from learningcity.errors import InputError, LearningCityWarning
from learningcity.forked import BLOCK_BYTES, ntriples_blocks
from learningcity.pool import WorkerLost
from learningcity.store import open_data
from processes import alive, children
from rdfcompare import canonical
from support import REPO

YONGSAN = REPO / "data" / "yongsan.ttl"
FIXTURES = Path(__file__).parent / "fixtures"
NAMED = FIXTURES / "export" / "named-graphs.trig"
TRICKY = FIXTURES / "export" / "tricky-literals.ttl"


def joined(path: Path, *, fork: bool) -> bytes:
    data = open_data([str(path)], None)
    with ntriples_blocks(data.quads, fork=fork) as blocks:
        return b"".join(blocks)


def test_forked_lines_are_oxigraphs_ntriples_of_the_file() -> None:
    expected = ox.serialize(ox.parse(path=str(YONGSAN)), format=ox.RdfFormat.N_TRIPLES)
    assert joined(YONGSAN, fork=True) == joined(YONGSAN, fork=False) == expected


def test_forked_lines_keep_every_literal_and_blank_node() -> None:
    """Blank-node labels are the parser's, new each parse: the graphs are compared."""
    read = [ox.parse(joined(TRICKY, fork=fork), format=ox.RdfFormat.N_TRIPLES) for fork in (1, 0)]
    assert canonical(read[0]) == canonical(read[1]) == canonical(ox.parse(path=str(TRICKY)))


def test_every_block_ends_a_line_even_across_a_literal_longer_than_a_block(
    tmp_path: Path,
) -> None:
    long = "가" * BLOCK_BYTES  # three bytes each: the line spans several reads of the pipe
    data = tmp_path / "long.ttl"
    data.write_text(f'<urn:x:a> <urn:x:p> "{long}" .\n<urn:x:b> <urn:x:p> "short" .\n')
    with ntriples_blocks(open_data([str(data)], None).quads, fork=True) as blocks:
        received = list(blocks)
    assert all(block.endswith(b"\n") for block in received)
    lines = b"".join(received).splitlines()
    assert lines == [f'<urn:x:a> <urn:x:p> "{long}" .'.encode(), b'<urn:x:b> <urn:x:p> "short" .']


def test_a_syntax_error_in_the_child_is_raised_here_with_its_position(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:x:a> <urn:x:p> 'fine' .\n<urn:x:a> <urn:x:p> .\n")
    with pytest.raises(InputError, match=rf"^{broken}:2:\d+: "):
        joined(broken, fork=True)


def test_named_graphs_are_refused_by_the_child_as_here() -> None:
    for fork in (True, False):
        with pytest.raises(InputError, match="--stream writes the default graph only"):
            joined(NAMED, fork=fork)


def test_the_childs_warnings_are_warned_here(tmp_path: Path) -> None:
    relative = tmp_path / "relative.ttl"
    relative.write_text("<a> <urn:x:p> 'x' .\n")
    with pytest.warns(LearningCityWarning, match="relative IRIs were resolved"):
        lines = joined(relative, fork=True)
    assert lines == f'<{relative.as_uri()[: -len("relative.ttl")]}a> <urn:x:p> "x" .\n'.encode()


def _killed_while_parsing() -> Iterator[ox.Quad]:
    os.kill(os.getpid(), signal.SIGKILL)  # runs in the child: `quads()` is called there
    yield from ()


def test_a_child_killed_while_parsing_is_a_lost_worker() -> None:
    others = set(children(os.getpid()))  # the test session's own servers, say
    with (
        pytest.raises(WorkerLost, match="killed by SIGKILL while parsing"),
        ntriples_blocks(_killed_while_parsing, fork=True) as blocks,
    ):
        list(blocks)
    assert set(children(os.getpid())) == others


def _endless() -> Iterator[ox.Quad]:
    predicate = ox.NamedNode("urn:x:p")
    number = 0
    while True:
        number += 1
        yield ox.Quad(ox.NamedNode(f"urn:x:{number}"), predicate, ox.Literal(str(number)))


def test_leaving_the_block_early_ends_the_child() -> None:
    others = set(children(os.getpid()))
    with ntriples_blocks(_endless, fork=True) as blocks:
        first = next(blocks)
        parsers = set(children(os.getpid())) - others
        assert len(parsers) == 1
    assert first.startswith(b'<urn:x:1> <urn:x:p> "1" .\n')
    assert not any(map(alive, parsers))
    assert set(children(os.getpid())) == others


def test_a_writer_failing_mid_stream_ends_the_child() -> None:
    others = set(children(os.getpid()))
    with (
        pytest.raises(RuntimeError, match="the writer failed"),
        ntriples_blocks(_endless, fork=True) as blocks,
    ):
        next(blocks)
        parsers = set(children(os.getpid())) - others
        raise RuntimeError("the writer failed")
    deadline = time.monotonic() + 5
    while any(map(alive, parsers)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert parsers and not any(map(alive, parsers))
