from __future__ import annotations

from pathlib import Path

import click

from learningcity.cli.common import base_iri_option, emit
from learningcity.cli.progress import TerminalProgress
from learningcity.errors import ExitCode
from learningcity.formatting import format_files


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 and list files to rewrite.")
@base_iri_option
def fmt(files: tuple[Path, ...], check: bool, base_iri: str | None) -> int:
    """Rewrite Turtle FILES in canonical form: prefixes from the project's one prefix list,
    one block per subject in IRI order (so a node shape comes before its property shapes
    `Shape-name`), `a` first, predicates and values sorted. A blank node that is the value of
    one statement is written inside it as [ … ], a well-formed list as ( … ); other blank nodes
    keep canonical labels. The same graph always gives the same bytes.

    Comments are not kept, as they are not in the graph: put explanations in rdfs:comment or
    skos:editorialNote, where pages and queries see them too; fmt names each file whose
    comments it drops (--check: would drop). The files are rewritten all or
    none: none if any fails to parse or cannot be written (read-only files are refused), and an
    interruption (Ctrl-C, SIGTERM) comes before all the renames or after them, as its message
    says. A symlink is kept and the file it points to rewritten. Relative IRIs are written
    resolved against --base-iri; without it a file that holds them is refused, as this
    machine's path would be written into it.

    \b
    Examples:
      learningcity fmt data/yongsan.ttl
      learningcity fmt --check ontology/*.ttl shapes/*.ttl data/*.ttl
    """
    with TerminalProgress.for_stderr() as progress:
        progress(f"{'checking' if check else 'formatting'} {len(files)} files")
        results = format_files(files, check=check, base_iri=base_iri)
    changed = [r.path for r in results if r.changed]
    for result in results:
        if result.comments and result.changed:
            verb = "would drop" if check else "dropped"
            click.echo(
                f"{result.path}: {verb} {result.comments} comments, which are not in the graph; "
                "keep what they say as rdfs:comment or skos:editorialNote",
                err=True,
            )
    if check:
        for path in changed:
            click.echo(f"would rewrite {path}", err=True)
    else:
        emit("".join(f"rewrote {path}\n" for path in changed).encode("utf-8"), None)
    if check and changed:
        click.echo(
            f"{len(changed)} of {len(results)} files are not canonical; run learningcity fmt",
            err=True,
        )
        return ExitCode.FAILED
    if not changed:
        click.echo(f"{len(results)} files already canonical", err=True)
    return ExitCode.OK
