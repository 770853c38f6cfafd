"""Suite-wide hooks: where `../shared` was found, a module whose data is missing failing as
one test with one line instead of stopping the whole collection with a traceback, and the
files in an order that keeps both workers of `pytest -n 2` busy to the end."""

from __future__ import annotations

from collections.abc import Generator

import pytest

from support import SHARED, SHARED_VARIABLE, MissingShared


def pytest_report_header() -> str:
    """One line at the start of every run: the test data folder, found or not."""
    found = "found" if SHARED.is_dir() else f"MISSING (place it there or set {SHARED_VARIABLE})"
    return f"shared test data: {SHARED} {found}"


class _MissingData(pytest.Item):
    """Stands for the tests of a module that could not be collected without `../shared`."""

    def __init__(self, *, reason: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.reason = reason

    def runtest(self) -> None:
        pytest.fail(self.reason, pytrace=False)

    def reportinfo(self) -> tuple[object, int | None, str]:
        return self.path, None, self.name


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """A module that raised `MissingShared` while collecting gives one failing test in its place."""
    report = yield
    call = report.__dict__.get("call")
    if (
        report.failed
        and isinstance(collector, pytest.Module)
        and call is not None
        and isinstance(call.excinfo.value, MissingShared)
    ):
        item = _MissingData.from_parent(
            collector, name="needs-shared-data", reason=str(call.excinfo.value)
        )
        return pytest.CollectReport(collector.nodeid, "passed", None, [item])
    return report


#: Files whose run is long for their number of tests, longest first (seconds on the two workers
#: of `pytest -n 2`, 2026-12-02: fuzz 26 s CPU in 7 tests, the network browser 22 s in 12).
#: `--dist loadfile` hands out whole files, and xdist would hand out the ones with the most tests
#: first: these few-test files came last, and one of them (the fuzz suites) ran on alone on one
#: worker at the end of the run while the other had finished. They go first instead, so that
#: the short files fill the end; the rest keep xdist's order, most tests first. Only the order of
#: the files changes (`--no-loadscope-reorder` in pyproject.toml), never what runs.
LONG_FILES = (
    "tests/test_validation.py",
    "tests/hardening/test_parser_bounds.py",
    "tests/hardening/test_outputs_signals.py",
    "tests/fuzz/test_fuzz_inputs.py",
    "tests/publish/test_network_browser.py",
    "tests/store/test_serve_in_place.py",
    "tests/cli/test_base_iri.py",
    "tests/publish/test_containment.py",
    "tests/hardening/test_query_limits.py",
    "tests/scale/test_scale.py",
    "tests/hardening/test_server_load.py",
    "tests/fuzz/test_roundtrip.py",
    "tests/publish/test_gate.py",
    "tests/store/test_virtuoso.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Whole files in the order described at `LONG_FILES` (a listed file that is gone is an
    error, so the list cannot silently stop applying)."""
    gone = [name for name in LONG_FILES if not (config.rootpath / name).is_file()]
    if gone:
        raise pytest.UsageError(f"tests/conftest.py LONG_FILES names missing files: {gone}")
    by_file: dict[str, list[pytest.Item]] = {}
    for item in items:
        by_file.setdefault(item.nodeid.split("::", 1)[0], []).append(item)
    rank = {name: place for place, name in enumerate(LONG_FILES)}
    order = sorted(by_file, key=lambda name: (rank.get(name, len(rank)), -len(by_file[name])))
    items[:] = [item for name in order for item in by_file[name]]
