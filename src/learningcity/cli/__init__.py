"""The `learningcity` command: a thin click layer over the `learningcity.*` library.

Subcommands are imported only when they run, so `learningcity --help` does not pay for rdflib,
pyshacl or the server (a benchmark keeps it under 0.1 s).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from typing import Any, NoReturn

import click

from learningcity import __version__
from learningcity.atomic import remove_temporaries, unwritable_stdout, written
from learningcity.errors import ExitCode, LearningCityError, LearningCityWarning, printable
from learningcity.interrupt import report_stop, stop_at_once, stop_behind, stop_on_signals

#: command name -> (module, function, one-line summary shown by --help without importing it)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "validate": ("learningcity.cli.validate", "validate", "Check data against the SHACL shapes."),
    "query": ("learningcity.cli.query", "query", "Run a SPARQL query on the data or an endpoint."),
    "export": ("learningcity.cli.export", "export", "Write the data in another RDF format."),
    "embed": ("learningcity.cli.embed", "embed", "Print a schema.org JSON-LD block for a page."),
    "info": ("learningcity.cli.info", "info", "Summarise the data: size, classes, metadata."),
    "fmt": ("learningcity.cli.fmt", "fmt", "Rewrite Turtle files in canonical form."),
    "serve": ("learningcity.cli.serve", "serve", "Serve the data as linked data and SPARQL."),
    "publish": ("learningcity.cli.publish", "publish", "Write a static linked-data site."),
    "preview": ("learningcity.cli.preview", "preview", "Serve a published site as its hosts do."),
    "import": ("learningcity.cli.profiles", "import_profiles", "Turn profile pages into RDF."),
    "new": ("learningcity.cli.profiles", "new", "Write a blank profile for a new city."),
    "load": ("learningcity.cli.store", "load", "Build an on-disk store that opens at once."),
    "push": ("learningcity.cli.store", "push", "Upload the data to a SPARQL server's graph."),
}

EXIT_CODES_HELP = "\b\nExit codes:\n" + "\n".join(
    f"  {code.value:<4} {code.name.lower().replace('_', ' ')}" for code in ExitCode
)


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return _load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    # A signal may arrive while click parses options or imports a subcommand, not only while the
    # command runs; click would print a blank line to stderr and turn it into Abort. Both steps
    # hand the interruption past click instead, so it is always the one line of `main`.
    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with _past_click():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _past_click():
            return super().invoke(ctx)


@contextlib.contextmanager
def _past_click() -> Iterator[None]:
    try:
        yield
    except BaseException as error:  # a signal, or an error raised from or while handling one
        stop = stop_behind(error)
        if stop is None:
            raise
        raise Interrupted(stop) from None


@functools.cache
def _load_command(name: str) -> click.Command:
    """Import a subcommand; an `ExitCode` it returns becomes the process exit code, so commands
    can say how they ended without calling sys.exit (which CliRunner tests could not see)."""
    module_name, attribute, _ = COMMANDS[name]
    command: click.Command = getattr(importlib.import_module(module_name), attribute)
    callback = command.callback
    assert callback is not None

    @functools.wraps(callback)
    def run(*args: object, **kwargs: object) -> None:
        try:
            code = callback(*args, **kwargs)
        except BrokenPipeError:
            raise ReaderGone from None  # past click, which would exit 1 on it
        if code:
            raise click.exceptions.Exit(int(code))

    command.callback = run
    return command


class ReaderGone(Exception):
    """The reader of stdout closed it (`learningcity export | head`); `main` exits 0."""


class Interrupted(Exception):
    """SIGINT or SIGTERM during a command (`stop`); `main` reports it in one line."""

    def __init__(self, stop: KeyboardInterrupt) -> None:
        super().__init__(str(stop))
        self.stop = stop


@click.group(cls=LazyGroup, epilog=EXIT_CODES_HELP, context_settings={"max_content_width": 100})
@click.version_option(__version__, prog_name="learningcity")
@click.option("--debug", is_flag=True, help="Show a traceback for errors (for bug reports).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Validate, query, export and publish learning-city profiles as linked data.

    \b
    Examples:
      learningcity validate data/yongsan.ttl
      learningcity query --name mayor
      learningcity export --format jsonld -o dist/yongsan.jsonld
    """
    ctx.obj = {"debug": debug}


def main() -> None:
    """Entry point: one line per error on stderr, a documented exit code, no traceback."""
    stop_on_signals()
    quiet_dependency_logs()
    warnings.showwarning = _note_warning
    debug = "--debug" in sys.argv[1:]
    try:
        code = cli.main(standalone_mode=False)
    except LearningCityError as error:
        if debug:
            import traceback  # only --debug pays for it

            traceback.print_exc()
        _error_line(str(error))
        sys.exit(error.exit_code)
    except click.exceptions.Abort as error:  # click turned a KeyboardInterrupt into Abort
        _stopped(error.__context__, echoed=True)
    except click.ClickException as error:
        if isinstance(error, _HELP_INSTEAD):  # `learningcity` alone: its help, as click shows it
            error.show()
        else:
            _error_line(_usage_message(error))
        sys.exit(ExitCode.BAD_INPUT)
    except Interrupted as error:
        _stopped(error.stop)
    except KeyboardInterrupt as error:
        _stopped(error)
    except (BrokenPipeError, ReaderGone):
        _reader_gone()
    except OSError as error:
        stdout_error = unwritable_stdout(error)
        if stdout_error is None:
            raise
        _error_line(str(stdout_error))
        sys.exit(stdout_error.exit_code)
    show_warnings()
    sys.exit(code if isinstance(code, int) else ExitCode.OK)


#: click's error that shows the command's help (click >= 8.2, for a group given no command).
_HELP_INSTEAD: tuple[type[click.ClickException], ...] = tuple(
    getattr(click.exceptions, name)
    for name in ("NoArgsIsHelpError",)
    if hasattr(click.exceptions, name)
)


def _error_line(message: str) -> None:
    """The one stderr line of an error. Messages quote what came from outside (a file's bad
    character, a file name, an option's value), so control characters, BOMs and bidirectional
    marks in them are escaped: a hostile file cannot break the line, hide a character or send
    escape sequences to the terminal."""
    click.echo(f"learningcity: error: {printable(message)}", err=True)


def _usage_message(error: click.ClickException) -> str:
    """click's message for a bad option or argument, with the help to read, on one line instead
    of click's four (usage, hint, blank line, message)."""
    message = error.format_message().rstrip(".")
    context = getattr(error, "ctx", None)
    return f"{message}; see '{context.command_path} --help'" if context is not None else message


def quiet_dependency_logs() -> None:
    """rdflib logs a warning with a whole traceback for each ill-typed literal it meets
    (`"1e"^^xsd:integer`, while pyshacl reads the data); the shapes report such a value where
    they constrain it, in the report's words, so the command prints none of rdflib's logs."""
    rdflib_log = logging.getLogger("rdflib")
    rdflib_log.addHandler(logging.NullHandler())
    rdflib_log.propagate = False


_show_warning = warnings.showwarning
_noted: list[str] = []


def _note_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    """Keep a `LearningCityWarning` for `show_warnings`; other warnings as Python shows them."""
    if issubclass(category, LearningCityWarning):
        _noted.append(str(message))
    else:
        _show_warning(message, category, filename, lineno, file, line)


def show_warnings() -> None:
    """The `LearningCityWarning`s so far, one stderr line each, then forgotten: when a command
    has ended without an error (an error is its one line alone: a file that fails to parse
    also holds relative IRIs, say), or when `serve` starts serving."""
    for message in _noted:
        click.echo(f"learningcity: warning: {printable(message)}", err=True)
    _noted.clear()


def _reader_gone() -> NoReturn:
    """The reader of stdout left (`| head`): what it read is all it wanted, exit 0 quietly.
    Stdout then points at /dev/null, so the interpreter's last flush of it cannot fail."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(ExitCode.OK)


def _stopped(stop: BaseException | None, *, echoed: bool = False) -> NoReturn:
    """Remove what the command left half-made, then the one line of `report_stop`, naming any
    output already put in place (`learningcity.atomic.written`)."""
    stop_at_once()  # a second signal while cleaning up ends the process there
    remove_temporaries()
    report_stop(stop, [str(path) for path in written()], echoed=echoed)
