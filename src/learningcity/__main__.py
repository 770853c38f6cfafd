"""The installed `learningcity` command, and `python -m learningcity`.

SIGINT and SIGTERM get their handlers before the command's modules are imported: importing
click and the rest takes 0.1-0.2 s at start-up on a loaded machine, and a Ctrl-C or SIGTERM in
that time ended in a traceback (SIGINT) instead of the command's one line.
"""

from __future__ import annotations

from learningcity.interrupt import report_stop, stop_on_signals


def main() -> None:
    stop_on_signals()
    try:
        from learningcity.cli import main as run_command
    except KeyboardInterrupt as stop:  # nothing was written yet
        report_stop(stop, [])
    run_command()


if __name__ == "__main__":
    main()
