"""Suite-wide hooks: where `../shared` was found, and a module whose data is missing failing as
one test with one line instead of stopping the whole collection with a traceback."""

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
