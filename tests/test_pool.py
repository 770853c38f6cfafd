"""The worker pool of validating and publishing: results, errors, and a worker lost mid-task."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from learningcity.errors import ExitCode
from learningcity.pool import WorkerLost, WorkerPool
from pool_tasks import (
    add_offset,
    die_on_three,
    refuse_three,
    start_that_fails,
    start_with_offset,
    worker_pid,
)
from support import REPO


def test_every_item_is_done_once_by_started_workers() -> None:
    with WorkerPool(2, start_with_offset, (100,), add_offset) as pool:
        assert sorted(pool.results(range(20))) == [100 + i for i in range(20)]


def test_a_task_error_is_raised_in_the_caller() -> None:
    with WorkerPool(2, start_with_offset, (0,), refuse_three) as pool, pytest.raises(KeyError):
        list(pool.results(range(6)))


def test_a_start_error_is_raised_in_the_caller() -> None:
    with (
        WorkerPool(2, start_that_fails, (0,), add_offset) as pool,
        pytest.raises(ValueError, match="cannot start"),
    ):
        list(pool.results(range(2)))


def test_a_worker_killed_mid_task_ends_the_run_with_one_line() -> None:
    """multiprocessing.Pool waits forever here (its lost task never comes back)."""
    began = time.monotonic()
    with (
        WorkerPool(2, start_with_offset, (0,), die_on_three) as pool,
        pytest.raises(WorkerLost) as lost,
    ):
        list(pool.results(range(10)))
    assert time.monotonic() - began < 30
    assert "killed by SIGKILL" in str(lost.value) and "\n" not in str(lost.value)
    assert lost.value.exit_code == ExitCode.RESOURCES


def test_workers_are_gone_when_the_block_is_left() -> None:
    with WorkerPool(2, start_with_offset, (0,), worker_pid) as pool:
        pids = set(pool.results(range(8)))
    assert 1 <= len(pids) <= 2
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_items_are_taken_only_as_workers_free_up() -> None:
    taken: list[int] = []

    def items() -> Iterator[int]:
        for item in range(10):
            taken.append(item)
            yield item

    with WorkerPool(2, start_with_offset, (0,), add_offset) as pool:
        results = pool.results(items())
        next(results)
        assert len(taken) <= 3
        list(results)


def test_only_the_pool_module_starts_worker_processes() -> None:
    """Decided once: another module making its own `multiprocessing` pool would bring back the
    wait forever for a killed worker (a merge once did, in publish)."""
    source = REPO / "src" / "learningcity"
    makers = [
        path.relative_to(source).as_posix()
        for path in source.rglob("*.py")
        if "multiprocessing" in path.read_text(encoding="utf-8")
    ]
    assert makers == ["pool.py"]
