"""Side-by-side timing of whole commands: runs are interleaved (A, B, A, B, ...) so that a noisy,
shared machine slows every contender alike, and results are medians with their ratio. Also what
every benchmark reports beside its figures: the memory of a process tree and the machine."""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


@dataclass(frozen=True)
class Timing:
    name: str
    command: Sequence[str]
    seconds: list[float]
    peak_rss_mib: float

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run_once(command: Sequence[str]) -> tuple[float, float]:
    """Wall seconds and the peak resident memory (MiB) of one whole-process run: this run's
    own, from `wait4` (`RUSAGE_CHILDREN` holds the largest of every child so far, so each
    command would show the largest before it)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return elapsed, usage.ru_maxrss / 1024


def compare(commands: Mapping[str, Sequence[str]], runs: int = 7) -> list[Timing]:
    for command in commands.values():
        run_once(command)  # warm the file cache and byte-code before measuring
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float] = dict.fromkeys(commands, 0.0)
    for _ in range(runs):
        for name, command in commands.items():
            elapsed, peak = run_once(command)
            seconds[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
    return [Timing(name, commands[name], seconds[name], peaks[name]) for name in commands]


def report(title: str, timings: list[Timing], baseline: str, target: float | None = None) -> str:
    """A Markdown table: median, ratio to the baseline, and whether the target ratio is met."""
    base = next(t for t in timings if t.name == baseline).median
    lines = [
        f"### {title}",
        "",
        "| command | median (s) | ratio to " + baseline + " |",
        "|---|---:|---:|",
    ]
    for timing in timings:
        shown = " ".join([Path(timing.command[0]).name, *timing.command[1:]])
        lines.append(f"| `{shown}` | {timing.median:.3f} | {timing.median / base:.2f} |")
    if target is not None:
        ours = timings[0].median / base
        verdict = "met" if ours <= target else "not met"
        lines += ["", f"Target: ≤ {target}× {baseline}; measured {ours:.2f}× — **{verdict}**."]
    return "\n".join(lines) + "\n"


TICK = os.sysconf("SC_CLK_TCK")
PAGE_MIB = os.sysconf("SC_PAGE_SIZE") / 2**20


@dataclass(frozen=True)
class ProcessUsage:
    """What one process has used so far, from its /proc/PID/stat."""

    cpu_s: float  # user and system time of the process itself
    reaped_cpu_s: float  # of its children that ended and were waited for
    rss_mib: float


def process_tree(root: int) -> dict[int, ProcessUsage]:
    """`root` and every process descended from it, with what each has used: one read of
    /proc/*/stat (Linux only), the one walk of the process tree every benchmark shares."""
    children: dict[int, list[int]] = {}
    usage: dict[int, ProcessUsage] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        own, reaped = int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])
        usage[pid] = ProcessUsage(own / TICK, reaped / TICK, int(fields[21]) * PAGE_MIB)
    found: dict[int, ProcessUsage] = {}
    pending = [root]
    while pending:
        pid = pending.pop()
        if pid in usage:
            found[pid] = usage[pid]
        pending.extend(children.get(pid, []))
    return found


def tree_rss_mib(root: int) -> float:
    """Resident memory of a process and every descendant."""
    return sum(process.rss_mib for process in process_tree(root).values())


def tree_cpu_seconds(root: int) -> float:
    """CPU time (user and system) of a process and all its descendants, now, those that ended
    included (a process's reaped children are counted in its own `cutime` and `cstime`)."""
    return sum(p.cpu_s + p.reaped_cpu_s for p in process_tree(root).values())


def tree_pss_mib(root: int) -> float:
    """Proportional set size of a process and its descendants, summed (shared pages counted
    once in the sum)."""
    total = 0
    for pid in process_tree(root):
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
        total += int(found.group(1)) if found else 0
    return total / 1024


class PeakTreeMemory:
    """The highest resident memory of a process tree (MiB), sampled every 50 ms in a thread
    while the `with` block runs: a run's peak, which its end no longer shows."""

    def __init__(self, root: int) -> None:
        self.root, self.peak = root, 0.0
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, tree_rss_mib(self.root))
            self._done.wait(0.05)

    def __enter__(self) -> PeakTreeMemory:
        self._sampler.start()
        return self

    def __exit__(self, *_exception: object) -> None:
        self._done.set()
        self._sampler.join()


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def package_version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "absent"


def machine(*packages: str) -> dict[str, str]:
    """The machine and the versions of `packages`, as a benchmark's report names them."""
    return {
        "cpu": f"{cpu_model()}, {os.cpu_count()} cores",
        "kernel": platform.release(),
        "python": platform.python_version(),
        **{package: package_version(package) for package in packages},
    }
