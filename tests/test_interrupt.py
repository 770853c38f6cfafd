"""What a failing call run by `interruptible` leaves to the caller's thread."""

from __future__ import annotations

import gc
import sys
import threading

import pyoxigraph as ox
import pytest

from learningcity.interrupt import interruptible


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
