"""Outputs and signals, outside-in: the installed command against real signals, FIFOs, devices,
a full disk, read-only files, symbolic links, over-long names and damaged stores.

Every output goes through `learningcity.atomic`; these tests hold it to its docstring: SIGTERM
cleans up like Ctrl-C (exit 143), `fmt` lands all or nothing and says so, FIFOs and devices are
written in place and never replaced, read-only targets are refused, symlinks are written
through, new outputs take the umask's permissions and replaced ones keep their mode.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from learningcity.errors import ExitCode
from learningcity.load import load_paths
from processes import alive, catches, children, free_port, stop, wait_for_port
from support import REPO, full_disk

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
YONGSAN = str(REPO / "data" / "yongsan.ttl")
PROFILE = str(REPO / "tests" / "fixtures" / "profiles" / "yongsan-gu.html")
GRACE_S = 20  # generous on a shared machine: cleaning up takes milliseconds
NOT_CANONICAL = b"@prefix ex: <http://example.org/> .\nex:b ex:p 2 .   ex:a ex:p 1 .\n"


def run(*args: str, **options: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [LEARNINGCITY, *args], capture_output=True, timeout=120, **options
    )


def one_line(done: subprocess.CompletedProcess[bytes], code: int) -> str:
    """The single stderr line of a failed run with exit `code` (and never a traceback)."""
    message = done.stderr.decode()
    assert done.returncode == code, message
    assert message.count("\n") == 1 and message.startswith("learningcity: "), message
    return message


def listing(folder: Path) -> dict[str, bytes | str]:
    """Every entry under `folder` (hidden ones too): file contents, link targets, folders."""
    entries: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            entries[key] = f"-> {path.readlink()}"
        elif path.is_dir():
            entries[key] = "folder"
        elif path.is_file():
            entries[key] = path.read_bytes()
        else:
            entries[key] = "special"
    return entries


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1,500-city network (12 MB of Turtle): long enough to be mid-write when signalled."""
    path = tmp_path_factory.mktemp("network") / "network.ttl"
    script = REPO / "scripts" / "generate_network.py"
    subprocess.run(
        [sys.executable, str(script), "1500", "--seed", "3", "-o", str(path)], check=True
    )
    return path


@pytest.fixture(scope="module")
def small_network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small") / "network.ttl"
    script = REPO / "scripts" / "generate_network.py"
    subprocess.run([sys.executable, str(script), "20", "--seed", "3", "-o", str(path)], check=True)
    return path


def _when_hidden_entry_appears(folder: Path, seconds: float = 60) -> Callable[[], bool]:
    """A moment to signal: once a hidden temporary file or folder exists in `folder`."""
    before = {p.name for p in folder.iterdir()}

    def ready() -> bool:
        return any(p.name.startswith(".") and p.name not in before for p in folder.iterdir())

    return ready


def _after(seconds: float) -> Callable[[], bool]:
    """A moment to signal: `seconds` after this call."""
    started = time.monotonic()
    return lambda: time.monotonic() - started > seconds


def _signal_mid_run(
    args: list[str],
    ready: Callable[[], bool],
    number: int,
    cwd: Path,
    *,
    may_finish: bool = False,
) -> subprocess.CompletedProcess[bytes]:
    """Run the command, send it `number` once it handles the signal and `ready()`; it must not
    end before (unless `may_finish`) and must end within GRACE_S after."""
    process = subprocess.Popen(
        [LEARNINGCITY, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd
    )
    deadline = time.monotonic() + 90
    while not (catches(process.pid, number) and ready()) and (
        process.poll() is None or not may_finish
    ):
        assert process.poll() is None, f"ended before it could be signalled: {args[0]}"
        assert time.monotonic() < deadline, "never reached the moment to signal"
        time.sleep(0.005)
    helpers = children(process.pid)  # worker processes, a forked parser
    if process.poll() is None:
        process.send_signal(number)
    try:
        stdout, stderr = process.communicate(timeout=GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"signal {number} did not stop {args[0]} within {GRACE_S} s")
    ending = time.monotonic() + GRACE_S
    while any(map(alive, helpers)) and time.monotonic() < ending:
        time.sleep(0.01)
    assert not any(map(alive, helpers)), f"{args[0]} left processes running: {helpers}"
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


STOPPED = {
    signal.SIGTERM: (ExitCode.TERMINATED, "learningcity: terminated (SIGTERM); "),
    signal.SIGINT: (ExitCode.INTERRUPTED, "learningcity: interrupted; "),
}


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
@pytest.mark.parametrize(
    "command", ["export --stream", "export --stream jsonld", "load --store", "publish"]
)
def test_a_signal_mid_write_leaves_the_previous_output_and_no_temporary(
    command: str, number: int, network: Path, small_network: Path, tmp_path: Path
) -> None:
    """Signalled once its temporary file or folder exists: that is removed, the previous
    output is intact, one line, exit 143 for SIGTERM (130 for SIGINT)."""
    args, previous = {
        "export --stream": (["export", str(network), "--stream", "-o", "out.nt"], "out.nt"),
        "export --stream jsonld": (
            ["export", str(network), "--stream", "--format", "jsonld", "-o", "out.jsonld"],
            "out.jsonld",
        ),
        "load --store": (["load", str(network), "--store", "store"], "store"),
        "publish": (["publish", str(small_network), "--out", "site"], "site"),
    }[command]
    (tmp_path / "keep.txt").write_text("another file\n")
    if command.startswith("export --stream"):
        (tmp_path / previous).write_text("previous\n")
    elif command == "publish":
        (tmp_path / previous).mkdir()
        (tmp_path / previous / "old.txt").write_text("previous\n")
    else:
        run("load", YONGSAN, "--store", str(tmp_path / "store"), check=True)
    before = listing(tmp_path)
    done = _signal_mid_run(args, _when_hidden_entry_appears(tmp_path), number, tmp_path)
    code, start = STOPPED[signal.Signals(number)]
    message = one_line(done, code)
    assert message == f"{start}outputs left as they were\n"
    assert listing(tmp_path) == before


def _streaming_jsonld_with_its_parser(
    network: Path, cwd: Path
) -> tuple[subprocess.Popen[bytes], int]:
    """`export --stream --format jsonld` started, once it handles signals and its forked parser
    (`learningcity.forked`) runs: the command, and the parser's process number."""
    process = subprocess.Popen(
        [
            LEARNINGCITY,
            "export",
            str(network),
            "--stream",
            "--format",
            "jsonld",
            "-o",
            "out.jsonld",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
    )
    deadline = time.monotonic() + 90
    while not (catches(process.pid, signal.SIGTERM) and children(process.pid)):
        assert process.poll() is None, "ended before its parser was seen"
        assert time.monotonic() < deadline, "no forked parser seen"
        time.sleep(0.002)
    return process, children(process.pid)[0]


def _gone(pid: int) -> bool:
    ending = time.monotonic() + GRACE_S
    while alive(pid) and time.monotonic() < ending:
        time.sleep(0.01)
    return not alive(pid)


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_a_signal_while_the_forked_parser_runs_ends_both(
    number: int, network: Path, tmp_path: Path
) -> None:
    """SIGTERM reaches the command alone, Ctrl-C (here SIGINT to the command alone too) the
    terminal's process group: either way the parser ends with it and nothing is left."""
    (tmp_path / "out.jsonld").write_text("previous\n")
    before = listing(tmp_path)
    process, parser = _streaming_jsonld_with_its_parser(network, tmp_path)
    process.send_signal(number)
    _, stderr = process.communicate(timeout=GRACE_S)
    code, start = STOPPED[signal.Signals(number)]
    assert (process.returncode, stderr.decode()) == (code, f"{start}outputs left as they were\n")
    assert _gone(parser)
    assert listing(tmp_path) == before


def test_the_forked_parser_dies_with_a_command_killed_outright(
    network: Path, tmp_path: Path
) -> None:
    process, parser = _streaming_jsonld_with_its_parser(network, tmp_path)
    process.kill()
    process.communicate(timeout=GRACE_S)
    assert _gone(parser)


def test_a_forked_parser_killed_is_one_line_and_exit_5_with_outputs_untouched(
    network: Path, tmp_path: Path
) -> None:
    (tmp_path / "out.jsonld").write_text("previous\n")
    before = listing(tmp_path)
    process, parser = _streaming_jsonld_with_its_parser(network, tmp_path)
    os.kill(parser, signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=GRACE_S)
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    assert "was killed by SIGKILL while parsing" in one_line(done, ExitCode.RESOURCES)
    assert listing(tmp_path) == before


@pytest.mark.parametrize(
    "args",
    [
        ["query", "SELECT * {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}", "{small}", "-o", "out.csv"],
        ["export", "{network}", "--all", "all"],
        ["export", "{network}", "-o", "out.nt"],
        ["validate", "{network}", "-o", "out.txt"],
    ],
    ids=["query -o", "export --all", "export -o", "validate -o"],
)
def test_sigterm_while_computing_exits_143_with_outputs_untouched(
    args: list[str], network: Path, small_network: Path, tmp_path: Path
) -> None:
    for name in ("out.csv", "out.nt", "out.txt"):
        (tmp_path / name).write_text("previous\n")
    (tmp_path / "all").mkdir()
    (tmp_path / "all" / "network.ttl").write_text("previous\n")
    before = listing(tmp_path)
    arguments = [a.format(network=network, small=small_network) for a in args]
    # soon after the handlers are installed: `export -o` of the network ends within a second
    # on a quiet machine, so a fixed second from the start could come after it
    done = _signal_mid_run(arguments, _after(0.2), signal.SIGTERM, tmp_path)
    assert one_line(done, ExitCode.TERMINATED) == (
        "learningcity: terminated (SIGTERM); outputs left as they were\n"
    )
    assert listing(tmp_path) == before


def test_sigterm_at_any_moment_of_a_short_command_is_143_and_one_line(tmp_path: Path) -> None:
    """SIGTERM spread over a whole `export` (imports, parsing, writing, exiting): a run it
    ended is one line and 143, never a traceback (Python wraps a signal that lands in a class
    body's `__set_name__` while a module is imported); one that ended first wrote its output
    (one signalled as the interpreter exits, its handlers gone, dies by the signal: a shell
    shows 143 for both)."""
    stopped = 0
    for step in range(20):
        process = subprocess.Popen(
            [LEARNINGCITY, "export", YONGSAN, "-o", f"out{step}.nt"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
        )
        deadline = time.monotonic() + 60
        while not catches(process.pid, signal.SIGTERM) and process.poll() is None:
            assert time.monotonic() < deadline, "never handled SIGTERM"
            time.sleep(0.001)
        time.sleep(step * 0.025)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=GRACE_S)
        if process.returncode in (0, -signal.SIGTERM):  # done, or in the interpreter's exit
            assert (tmp_path / f"out{step}.nt").stat().st_size > 0, (step, stderr)
            continue
        stopped += 1
        assert process.returncode == ExitCode.TERMINATED, (step, stderr.decode())
        assert stderr.decode().startswith("learningcity: terminated (SIGTERM); "), stderr
        assert stderr.count(b"\n") == 1, stderr
    assert stopped, "no run was still going when signalled"


def test_fmt_interrupted_rewrites_all_or_none_and_says_which(
    small_network: Path, tmp_path: Path
) -> None:
    """SIGTERM at staggered moments of an 8-file `fmt`: each run rewrote every file or none,
    and its one line names exactly the files that changed."""
    original = small_network.read_bytes()
    timing = tmp_path / "timing"
    timing.mkdir()
    for i in range(8):
        (timing / f"f{i:02}.ttl").write_bytes(original)
    started = time.monotonic()
    run("fmt", *map(str, sorted(timing.iterdir())), check=True)
    duration = time.monotonic() - started  # signals land from mid-run to the renames' moment
    outcomes = set()
    # The first moment is certain to be mid-run (fmt's first temporary file is in the folder);
    # the staggered ones may come after the run on a loaded machine.
    moments: list[Callable[[Path], Callable[[], bool]]] = [_when_hidden_entry_appears]
    for fraction in (0.5, 0.7, 0.85, 0.95, 1.0):
        moments.append(lambda _, delay=duration * fraction: _after(delay))
    for number, moment in enumerate(moments):
        folder = tmp_path / f"run-{number}"
        folder.mkdir()
        files = [folder / f"f{i:02}.ttl" for i in range(8)]
        for path in files:
            path.write_bytes(original)
        done = _signal_mid_run(
            ["fmt", *map(str, files)], moment(folder), signal.SIGTERM, folder, may_finish=True
        )
        rewritten = [p for p in files if p.read_bytes() != original]
        assert rewritten in ([], files), f"a partial batch: {rewritten}"
        if done.returncode in (ExitCode.OK, -signal.SIGTERM):  # -15: during interpreter exit
            outcomes.add("finished")
            assert done.stdout.decode() == "".join(f"rewrote {p}\n" for p in files)
            continue
        message = one_line(done, ExitCode.TERMINATED)
        if rewritten:
            outcomes.add("stopped after the renames")
            names = ", ".join(map(str, files))
            assert message == (
                f"learningcity: terminated (SIGTERM); wrote {names}; other outputs left as they "
                "were\n"
            )
        else:
            outcomes.add("stopped before")
            assert message == "learningcity: terminated (SIGTERM); outputs left as they were\n"
        assert sorted(p.name for p in folder.iterdir()) == [p.name for p in files]
    assert outcomes - {"finished"}, "no run was stopped: every delay came too late"


def test_read_only_targets_are_refused_and_left_unchanged(tmp_path: Path) -> None:
    source = tmp_path / "messy.ttl"
    source.write_bytes(NOT_CANONICAL)
    source.chmod(0o444)
    target = tmp_path / "out.nt"
    target.write_text("previous\n")
    target.chmod(0o444)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous\n")
    site.chmod(0o555)
    before = {p: (p.read_bytes(), p.stat().st_mode, p.stat().st_ino) for p in (source, target)}
    try:
        for args, name in (
            (["fmt", str(source)], source),
            (["export", YONGSAN, "-o", str(target)], target),
            (["export", YONGSAN, "--stream", "-o", str(target)], target),
            (["publish", YONGSAN, "--out", str(site)], site),
        ):
            message = one_line(run(*args), ExitCode.IO_ERROR)
            assert message == (
                f"learningcity: error: {name}: is read-only, left unchanged; make it writable "
                "(chmod u+w) or give another name\n"
            )
        after = {p: (p.read_bytes(), p.stat().st_mode, p.stat().st_ino) for p in (source, target)}
        assert after == before
        assert (site / "index.html").read_text() == "previous\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["messy.ttl", "out.nt", "site"]
    finally:
        site.chmod(0o755)


def test_symlinks_are_written_through_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "data.ttl").write_bytes(NOT_CANONICAL)
    (real / "out.nt").write_text("previous\n")
    (real / "site").mkdir()
    (tmp_path / "data.ttl").symlink_to(real / "data.ttl")
    (tmp_path / "out.nt").symlink_to(real / "out.nt")
    (tmp_path / "site").symlink_to(real / "site")
    (tmp_path / "store").symlink_to(real / "store")  # dangling: the store is made at its target
    for args in (
        ["fmt", "data.ttl"],
        ["export", YONGSAN, "-o", "out.nt"],
        ["publish", YONGSAN, "--out", "site"],
        ["load", YONGSAN, "--store", "store"],
    ):
        done = run(*args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    for name in ("data.ttl", "out.nt", "site", "store"):
        assert (tmp_path / name).is_symlink(), f"{name} was replaced"
    assert (real / "data.ttl").read_bytes() != NOT_CANONICAL
    assert (real / "out.nt").read_text().startswith("<https://")
    assert (real / "site" / "index.html").is_file()
    assert (real / "store" / "prefixes.json").is_file()
    assert sorted(p.name for p in real.iterdir()) == ["data.ttl", "out.nt", "site", "store"]
    query = run("query", "--name", "mayor", "--store", "store", cwd=tmp_path)
    assert query.returncode == 0, query.stderr


def _reader(fifo: Path, got: list[bytes]) -> threading.Thread:
    def read() -> None:
        with fifo.open("rb") as stream:
            got.append(stream.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("stream", [False, True], ids=["-o", "--stream -o"])
def test_a_fifo_is_written_into_and_stays_a_fifo(stream: bool, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.nt"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _reader(fifo, got)
    done = run("export", YONGSAN, "-o", str(fifo), *(["--stream"] if stream else []))
    reader.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert got and got[0].count(b"\n") == len(load_paths(YONGSAN))  # one line a triple
    assert [p.name for p in tmp_path.iterdir()] == ["pipe.nt"]


def test_a_character_device_is_written_into_never_replaced(tmp_path: Path) -> None:
    """A symlink to /dev/null (safe: even the old code replaced only the link), and as root a
    mknod'd copy of /dev/null in tmp_path, which the old code replaced with a regular file."""
    link = tmp_path / "null-link"
    link.symlink_to("/dev/null")
    targets = [link]
    if os.geteuid() == 0:
        device = tmp_path / "null"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        targets.append(device)
    null_before = Path("/dev/null").stat()
    for target in targets:
        before = target.lstat()
        for extra in ([], ["--stream"]):
            done = run("export", YONGSAN, "--format", "nt", "-o", str(target), *extra)
            assert done.returncode == 0, done.stderr
            after = target.lstat()
            assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    null_after = Path("/dev/null").stat()
    assert (null_after.st_ino, null_after.st_mode) == (null_before.st_ino, null_before.st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(t.name for t in targets)


def test_a_socket_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "s.nt"
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(path))
        message = one_line(run("export", YONGSAN, "-o", str(path)), ExitCode.IO_ERROR)
        assert message == (
            f"learningcity: error: {path}: is neither a regular file, a FIFO nor a character "
            "device; give another name\n"
        )
        assert stat.S_ISSOCK(path.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["s.nt"]


@pytest.mark.parametrize(
    "args",
    [
        ["export", YONGSAN],
        ["export", YONGSAN, "--stream"],
        ["export", YONGSAN, "--format", "jsonld", "--stream"],
        ["query", "--name", "mayor", YONGSAN],
        ["info", YONGSAN],
        ["validate", YONGSAN],
        ["embed", YONGSAN],
        ["new", "Somewhere, Republic of Korea"],
        ["--help"],
        ["--version"],
        ["export", "--help"],
    ],
    ids=lambda args: " ".join(a for a in args if a != YONGSAN),
)
def test_a_full_disk_on_stdout_is_one_line_and_exit_3(args: list[str]) -> None:
    with Path("/dev/full").open("wb") as full:
        done = subprocess.run(
            [LEARNINGCITY, *args], stdout=full, stderr=subprocess.PIPE, timeout=120
        )
    message = one_line(done, ExitCode.IO_ERROR)
    assert message == (
        "learningcity: error: stdout: cannot write (No space left on device); "
        "free some space on its disk or write elsewhere; the output is incomplete\n"
    )


#: name -> (arguments, the output the message must name) of a command writing onto a full
#: disk (`{disk}`), for every kind of output: a file, a batch of files, a site, a store. The
#: folders are new, two deep, but for the last, which is there before the command runs.
ONTO_A_FULL_DISK = {
    "export -o": (["export", YONGSAN, "-o", "{disk}/out.nt"], "{disk}/out.nt: "),
    "export --all": (["export", YONGSAN, "--all", "{disk}/new/dist"], "{disk}/new/dist/"),
    "import --out-dir": (
        ["import", PROFILE, "--read-on", "2026-11-24", "--out-dir", "{disk}/new/cities"],
        "{disk}/new/cities/",
    ),
    "publish": (["publish", YONGSAN, "--out", "{disk}/new/site"], "{disk}/new/site/"),
    "load --store": (["load", YONGSAN, "--store", "{disk}/new/store"], "{disk}/new/store/"),
    "export --all, folder there": (["export", YONGSAN, "--all", "{disk}/kept"], "{disk}/kept/"),
}


def onto_a_full_disk(case: str, tmp_path: Path) -> tuple[str, dict[str, bytes | str]]:
    """The error line of `case` run onto a full disk (exit 3; `import` reports each page
    before it), and what it left there."""
    with full_disk(tmp_path / "disk", size="4k") as disk:
        (disk / "kept").mkdir()
        arguments, _ = ONTO_A_FULL_DISK[case]
        done = run(*(argument.format(disk=disk) for argument in arguments))
        stderr = done.stderr.decode()
        assert done.returncode == ExitCode.IO_ERROR and "Traceback" not in stderr, stderr
        message = stderr.splitlines()[-1]
        assert message.startswith("learningcity: error: "), stderr
        return message, listing(disk)


@pytest.mark.parametrize("case", list(ONTO_A_FULL_DISK))
def test_a_full_disk_names_the_output_and_what_to_do(case: str, tmp_path: Path) -> None:
    """`publish` onto a full disk said "No space left on device: None" (os.write names no
    file); every output names the file that did not fit and what to do, never "None"."""
    message, _ = onto_a_full_disk(case, tmp_path)
    named = ONTO_A_FULL_DISK[case][1].format(disk=tmp_path / "disk")
    assert "None" not in message and "No space left on device" in message, message
    assert named in message and ".learningcity-" not in message, message
    assert "free some space on its disk" in message or "its free space" in message, message


@pytest.mark.parametrize("case", list(ONTO_A_FULL_DISK))
def test_a_command_that_fails_leaves_no_folder_it_made(case: str, tmp_path: Path) -> None:
    """`export --all DIR` onto a full disk left DIR behind, new and empty: the folders a failed
    command made are removed again, the one that was there is kept, and no temporary is left."""
    _, left = onto_a_full_disk(case, tmp_path)
    assert left == {"kept": "folder"}


@pytest.mark.parametrize("extra", [[], ["--stream"], ["--stream", "--format", "jsonld"]])
def test_a_reader_that_leaves_early_ends_the_command_quietly_with_exit_0(
    extra: list[str], network: Path
) -> None:
    """`learningcity export BIG | head`: more than a pipe's buffer, the reader gone after 10
    bytes; click used to turn the BrokenPipeError into exit 1 (the code for non-conforming data)."""
    process = subprocess.Popen(
        [LEARNINGCITY, "export", str(network), "--format", "nt", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()
    assert process.wait(timeout=120) == ExitCode.OK
    assert process.stderr.read() == b""


def test_serve_stopped_by_sigterm_exits_0(tmp_path: Path) -> None:
    """SIGTERM is how systemd and docker stop a server: a graceful end, exit 0 (it died of the
    signal, -15, when the handler uvicorn restores raised it again)."""
    port = free_port()
    process = subprocess.Popen(
        [LEARNINGCITY, "serve", YONGSAN, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, process)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=GRACE_S) == ExitCode.OK
    finally:
        stop(process)


def test_file_names_over_255_bytes_are_one_line(tmp_path: Path) -> None:
    long = "x" * 300
    cases = [
        (["export", YONGSAN, "-o", f"{long}.nt"], ExitCode.IO_ERROR),
        (["export", YONGSAN, "--stream", "-o", f"{long}.nt"], ExitCode.IO_ERROR),
        (["export", YONGSAN, "--all", long], ExitCode.IO_ERROR),
        (["publish", YONGSAN, "--out", long], ExitCode.IO_ERROR),
        (["load", YONGSAN, "--store", long], ExitCode.IO_ERROR),
        (["query", "--name", "mayor", "--store", long], ExitCode.BAD_INPUT),
        (["info", f"{long}.ttl"], ExitCode.BAD_INPUT),
        (["fmt", f"{long}.ttl"], ExitCode.BAD_INPUT),
    ]
    for args, code in cases:
        message = one_line(run(*args, cwd=tmp_path), code)
        assert long in message and ("File name too long" in message or "not a" in message)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option", ["publish --out", "load --store"])
@pytest.mark.parametrize("folder", [".", "..", "./", "/"])
def test_a_folder_output_named_by_no_name_of_its_own_is_refused(
    option: str, folder: str, tmp_path: Path
) -> None:
    """`publish --out .` (and `..`, `/`) ended in a traceback (pathlib's "'.' has an empty
    name") where it would otherwise have replaced the current folder and all it holds."""
    inside = tmp_path / "here"
    inside.mkdir()
    (inside / "keep.txt").write_text("mine\n")
    command, flag = option.split()
    message = one_line(run(command, YONGSAN, flag, folder, cwd=inside), ExitCode.IO_ERROR)
    assert message.startswith(f"learningcity: error: {folder.rstrip('/') or '/'}: is the ")
    assert "give the" in message and "folder its own name" in message
    assert listing(tmp_path) == {"here": "folder", "here/keep.txt": b"mine\n"}


def test_a_name_near_the_limit_still_gets_a_temporary_file(tmp_path: Path) -> None:
    """250 bytes fit; the old temporary name (the target's name plus 14 bytes) did not."""
    name = "y" * 247 + ".nt"
    for extra in ([], ["--stream"]):
        done = run("export", YONGSAN, "-o", name, *extra, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == [name]


def _garble_a_data_block(store: Path) -> None:
    table = max((store / "oxigraph").glob("*.sst"), key=lambda p: p.stat().st_size)
    content = bytearray(table.read_bytes())
    for index in range(100, 2000, 50):
        content[index] ^= 0xFF
    table.write_bytes(bytes(content))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "CURRENT deleted": lambda s: (s / "oxigraph" / "CURRENT").unlink(),
    "CURRENT emptied": lambda s: (s / "oxigraph" / "CURRENT").write_bytes(b""),
    "CURRENT garbled": lambda s: (s / "oxigraph" / "CURRENT").write_bytes(os.urandom(16)),
    "prefixes.json cut off": lambda s: (s / "prefixes.json").write_text('{\n  "ex'),
    "prefixes.json garbled": lambda s: (s / "prefixes.json").write_bytes(b"\xa6\x00" * 40),
    "prefixes.json a list": lambda s: (s / "prefixes.json").write_text("[1, 2]\n"),
    "prefixes.json numbers": lambda s: (s / "prefixes.json").write_text('{"ex": 1}\n'),
    "a data block garbled": _garble_a_data_block,
}


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's data loaded once; each damage is done to a copy of it."""
    store = tmp_path_factory.mktemp("loaded") / "store"
    run("load", YONGSAN, "--store", str(store), check=True)
    return store


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_store_is_one_line_saying_how_to_rebuild_it(
    damage: str, loaded_store: Path, tmp_path: Path
) -> None:
    """On a copy that keeps the files' times, as `cp -a` makes one (docs/remote.md): one load
    for every damage instead of one each."""
    store = tmp_path / "store"
    shutil.copytree(loaded_store, store)
    DAMAGE[damage](store)
    for args in (
        ["query", "--name", "mayor", "--store", str(store)],
        ["info", "--store", str(store)],
        ["export", "--store", str(store), "--format", "nt"],
        ["serve", "--store", str(store), "--port", "1"],  # fails before it binds anything
    ):
        message = one_line(run(*args), ExitCode.BAD_INPUT)
        assert message.startswith(f"learningcity: error: {store}: the store is damaged ("), message
        assert message.endswith(f"rebuild it with `learningcity load DATA... --store {store}`\n")


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_outputs_take_the_umasks_permissions_and_replaced_files_keep_theirs(
    umask: int, tmp_path: Path
) -> None:
    file_mode, folder_mode = 0o666 & ~umask, 0o777 & ~umask
    for args in (
        ["export", YONGSAN, "-o", "plain.nt"],
        ["export", YONGSAN, "--stream", "-o", "stream.nt"],
        ["export", YONGSAN, "--all", "all"],
        ["publish", YONGSAN, "--out", "site"],
        ["load", YONGSAN, "--store", "store"],
    ):
        done = run(*args, cwd=tmp_path, umask=umask)
        assert done.returncode == 0, done.stderr
    wrong = {
        str(p.relative_to(tmp_path)): oct(stat.S_IMODE(p.stat().st_mode))
        for p in [*tmp_path.rglob("*")]
        if "oxigraph" not in p.parts  # the database's own files are Oxigraph's business
        and stat.S_IMODE(p.stat().st_mode) != (folder_mode if p.is_dir() else file_mode)
    }
    assert wrong == {}
    kept = tmp_path / "kept.nt"
    kept.write_text("previous\n")
    kept.chmod(0o600)
    messy = tmp_path / "messy.ttl"
    messy.write_bytes(NOT_CANONICAL)
    messy.chmod(0o640)
    for args in (
        ["export", YONGSAN, "-o", "kept.nt"],
        ["export", YONGSAN, "--stream", "-o", "kept.nt"],
        ["fmt", "messy.ttl"],
    ):
        done = run(*args, cwd=tmp_path, umask=umask)
        assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(messy.stat().st_mode) == 0o640
    assert messy.read_bytes() != NOT_CANONICAL


#: Where a link names the current folder from (inside `tmp_path/here`, the commands' folder).
CURRENT_FOLDER_LINKS = {"the current folder": ".", "its parent": "..", "two up": "../.."}


@pytest.mark.parametrize("option", ["publish --out", "load --store"])
@pytest.mark.parametrize("name", list(CURRENT_FOLDER_LINKS))
def test_a_folder_output_that_is_the_current_folder_through_a_link_is_refused(
    option: str, name: str, tmp_path: Path
) -> None:
    """9953fa5: `publish --out link` (link -> .) replaced the current folder whole with the
    site, the data and the link in it gone; now refused in one line as `--out .` is, exit 3,
    before the data is read (DATA names no file: the output is what the line is about)."""
    inside = tmp_path / "up" / "here"
    inside.mkdir(parents=True)
    (inside / "keep.txt").write_text("mine\n")
    (inside / "link").symlink_to(CURRENT_FOLDER_LINKS[name])
    before = listing(tmp_path)
    command, flag = option.split()
    for data in (YONGSAN, "missing.ttl"):
        message = one_line(run(command, data, flag, "link", cwd=inside), ExitCode.IO_ERROR)
        assert message.startswith("learningcity: error: link: is the current folder or a parent")
    assert listing(tmp_path) == before


def test_a_site_onto_the_folder_holding_its_data_is_refused(tmp_path: Path) -> None:
    """9953fa5: `publish data/x.ttl --out data` replaced the folder holding the data with the
    site (the data deleted), by its name or through a link; now one line naming the file."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(YONGSAN, data / "yongsan.ttl")
    (tmp_path / "datalink").symlink_to("data")
    before = listing(tmp_path)
    for out in ("data", "datalink", str(data)):
        done = run("publish", "data/yongsan.ttl", "--out", out, cwd=tmp_path)
        message = one_line(done, ExitCode.IO_ERROR)
        assert message.startswith(f"learningcity: error: {out}: holds ")
        assert "yongsan.ttl, which this command reads" in message
    assert listing(tmp_path) == before


#: Every command with an output option, each given a bad output {out} and DATA that is not
#: there: refused for the output (exit 3) shows it was refused before any input was read.
BAD_OUTPUTS = [
    ["export", "missing.ttl", "-o", "{out}/x.ttl"],
    ["export", "missing.ttl", "--stream", "--format", "nt", "-o", "{out}/x.nt"],
    ["export", "missing.ttl", "--all", "{out}"],
    ["query", "ASK {{}}", "missing.ttl", "-o", "{out}/x.json"],
    ["validate", "missing.ttl", "-o", "{out}/report.txt"],
    ["embed", "missing.ttl", "-o", "{out}/x.jsonld"],
    ["import", "missing.txt", "-o", "{out}/x.ttl"],
    ["import", "missing.txt", "--out-dir", "{out}"],
    ["publish", "missing.ttl", "--out", "{out}/site"],
    ["load", "missing.ttl", "--store", "{out}/store"],
]


@pytest.mark.parametrize("arguments", BAD_OUTPUTS, ids=lambda a: " ".join(a[:1] + a[-2:-1]))
def test_an_output_in_a_read_only_folder_is_refused_before_any_input(
    arguments: list[str], tmp_path: Path
) -> None:
    """9953fa5 read (and for publish validated) the data first, then failed on the folder
    (exit 2 here, for the missing DATA); now one line about the output, exit 3, before."""
    read_only = tmp_path / "ro"
    read_only.mkdir()
    read_only.chmod(0o555)  # write bits checked too: root could write here, and must not
    try:
        done = run(*(a.format(out="ro") for a in arguments), cwd=tmp_path)
        message = one_line(done, ExitCode.IO_ERROR)
        assert "ro: is read-only" in message or "folder ro is read-only" in message, message
        assert "missing" not in message
        assert list(read_only.iterdir()) == []
    finally:
        read_only.chmod(0o755)


def test_a_read_only_file_output_is_refused_before_any_input(tmp_path: Path) -> None:
    """A file or folder of the wrong kind is click's to refuse (exit 2); a read-only target
    was refused only once the data had been read."""
    (tmp_path / "ro.ttl").write_text("")
    (tmp_path / "ro.ttl").chmod(0o444)
    message = one_line(run("export", "missing.ttl", "-o", "ro.ttl", cwd=tmp_path), 3)
    assert message.startswith("learningcity: error: ro.ttl: is read-only, left unchanged")
