"""What a failing call run by `interruptible` leaves to the caller's thread, and which errors
stand for an interruption (`stop_behind`)."""

from __future__ import annotations

import gc
import signal
import sys
import threading

import pyoxigraph as ox
import pytest

from learningcity.interrupt import Stopped, interruptible, stop_behind


def test_a_failure_drops_the_failing_frames_objects_in_the_worker_thread() -> None:
    dropped_in: list[str] = []

    class Witness:
        def __del__(self) -> None:
            dropped_in.append(threading.current_thread().name)

    def fail() -> None:
        witness = Witness()  # noqa: F841 (held by the frame, as a query's result would be)
        raise ValueError("bad query")

    with pytest.raises(ValueError, match="bad query") as caught:
        interruptible(fail)
    del caught
    gc.collect()
    assert dropped_in == ["oxigraph"]


def test_a_failure_after_a_query_drops_its_result_without_an_unsendable_error() -> None:
    store = ox.Store()

    def fail() -> None:
        solutions = store.query("SELECT * WHERE { ?s ?p ?o }")  # noqa: F841
        raise ValueError("failed while writing")

    unraisable: list[object] = []
    before, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        with pytest.raises(ValueError, match="failed while writing"):
            interruptible(fail)
        gc.collect()
    finally:
        sys.unraisablehook = before
    assert unraisable == []


def _raised(make: object) -> BaseException:
    try:
        make()  # type: ignore[operator]
    except BaseException as error:
        return error
    raise AssertionError("nothing raised")


def _wrapped_in_set_name() -> None:
    """What Python 3.11 makes of a signal handled inside a class body's `__set_name__`."""

    class Descriptor:
        def __set_name__(self, owner: type, name: str) -> None:
            raise Stopped(signal.SIGTERM)

    class Owner:
        field = Descriptor()


def _raised_while_cleaning_up() -> None:
    try:
        raise Stopped(signal.SIGINT)
    except KeyboardInterrupt:
        raise OSError("the cleanup failed") from None


def test_an_interruption_wrapped_by_python_or_cleanup_is_still_one() -> None:
    wrapped = _raised(_wrapped_in_set_name)
    assert not isinstance(wrapped, KeyboardInterrupt) or sys.version_info >= (3, 12)
    behind = stop_behind(wrapped)
    assert isinstance(behind, Stopped) and behind.signum == signal.SIGTERM
    cleanup = stop_behind(_raised(_raised_while_cleaning_up))
    assert isinstance(cleanup, Stopped) and cleanup.signum == signal.SIGINT


def test_an_error_with_no_interruption_behind_it_is_none() -> None:
    plain = _raised(lambda: int("x"))
    looped = ValueError("a")
    looped.__context__ = ValueError("b")
    looped.__context__.__context__ = looped
    assert stop_behind(plain) is None
    assert stop_behind(looped) is None
