"""`learningcity import` and `learningcity new`: thin layers over `learningcity.profiles`."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click
import pyoxigraph as ox

from learningcity import profiles
from learningcity.atomic import new_folders, write_outputs
from learningcity.cli.common import OutputPath, base_option, emit, output_option
from learningcity.cli.progress import TerminalProgress
from learningcity.errors import ExitCode, InputError, printable
from learningcity.iris import usable_iri
from learningcity.load import load_paths
from learningcity.profiles import batch
from learningcity.serialize import to_turtle

if TYPE_CHECKING:  # validation imports pyshacl, slow to load: only when a command validates
    from learningcity.validation import ValidationOutcome

IMPORT_EPILOG = """\b
Examples:
  learningcity import yongsan-gu.txt --source-url https://www.uil.unesco.org/en/learning-cities/yongsan-gu
  learningcity import page.html --read-on 2026-11-24 -o city.ttl
  learningcity import a.txt b.html c.txt --out-dir cities/      # a file per city, network.ttl
  learningcity import a.txt b.html -o network.ttl               # one dataset, one catalogue
  learningcity import pages/ --sources pages/sources.csv --keep-going -o network.ttl
  learningcity import yongsan-gu.txt --source-url URL --read-on 2026-11-24 \\
      --enrich data/enrichments/yongsan.ttl \\
      --retract data/enrichments/yongsan.retracted.ttl -o data/yongsan.ttl
  (the same line with --update-layers rewrites the two layers from an edited data/yongsan.ttl)

\b
Warnings (one line each, naming the field) and a summary of what each profile yielded go to
stderr, then the validation verdict of what is written, a folder as the one dataset it makes
(the full report when it does not conform); with several profiles, a table of the cities last:
what each page yielded, what was warned, whether it passes the shapes, whether it was written.

\b
Exit codes:
  0  imported; the output passes the shapes (no violations; warnings allowed)
  1  imported, but the output has violations (it is written all the same, to be fixed)
  2  unusable input: unreadable profile, no title line, bad option value
  3  an output could not be written
  4  with --keep-going: some pages could not be read or their city failed the shapes; they
     were left out and the rest written"""

NEW_EPILOG = """\b
Examples:
  learningcity new "Springfield, United States of America"
  learningcity new "Suwon, Republic of Korea" -o suwon.txt

\b
Exit codes:
  0  written
  2  the title is not "City, Country" with a known country, or FILE exists (use --force)
  3  FILE could not be written"""


@dataclass(frozen=True)
class _Output:
    target: Path | None  # None: stdout
    quads: list[ox.Quad]


@click.command("import", epilog=IMPORT_EPILOG, context_settings={"max_content_width": 100})
@click.argument(
    "profile_files", nargs=-1, required=True, metavar="PROFILE...", type=click.Path(path_type=Path)
)
@click.option(
    "--format",
    "profile_format",
    type=click.Choice(profiles.FORMATS, case_sensitive=False),
    help="How PROFILE is written (default: by extension, .html/.htm, else by its first bytes).",
)
@click.option(
    "--source-url",
    help="Address of the profile page, for provenance (one PROFILE only; default: the page's "
    "canonical link or Source field, else the network's address pattern, with a warning).",
)
@click.option(
    "--read-on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date the page was read, YYYY-MM-DD (default: today).",
)
@base_option
@click.option(
    "--enrich",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Curated statements to add on top of the import (repeatable; see docs/import.md).",
)
@click.option(
    "--retract",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Imported statements the curated layer replaces (repeatable; each must be imported).",
)
@click.option(
    "--update-layers",
    is_flag=True,
    help="Reverse the layering: read the curated -o FILE and rewrite the --enrich and --retract "
    "files so that the import and them rebuild it (after editing the curated data by hand).",
)
@click.option(
    "--sources",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV with the columns file,source_url,read_on: each page's address and the date it "
    "was read, for a batch (paths relative to the CSV; empty cells take the defaults).",
)
@click.option(
    "--keep-going",
    is_flag=True,
    help="With several profiles: leave out a page that cannot be read or a city with "
    "violations, write the rest, and exit 4 if any was left out.",
)
@output_option
@click.option(
    "--out-dir",
    type=OutputPath(folder=True),
    help="Write one Turtle file per city into this folder (named by the city's IRI key) and, "
    "with several, the network's catalogue as network.ttl: together, the dataset -o writes.",
)
def import_profiles(
    profile_files: tuple[Path, ...],
    profile_format: str | None,
    source_url: str | None,
    read_on: dt.datetime | None,
    base: str,
    enrich: tuple[Path, ...],
    retract: tuple[Path, ...],
    update_layers: bool,
    sources: Path | None,
    keep_going: bool,
    output: Path | None,
    out_dir: Path | None,
) -> ExitCode:
    """Turn learning-city profile pages into validated RDF in the project's vocabulary.

    Each PROFILE is a profile page as plain text (copied from the page) or as its HTML. The
    importer finds its parts (title line, introduction, City population, Member since, Mayor,
    Focal point, Vision, Policies, plan and implementation, Good practices), writes them with
    provenance to the page, validates the result with the bundled shapes, and reports what it
    could not find. Several profiles (or a folder of them) make one dataset with a catalogue of
    the cities (-o, or stdout), or the same as one file per city and one for the catalogue
    (--out-dir).
    """
    paths = batch.pages(profile_files)
    _check_options(tuple(paths), source_url, output, out_dir, enrich or retract)
    date = read_on.date() if read_on else dt.date.today()
    if not base.endswith(("/", "#")):
        raise InputError(f"--base {base}: the base IRI must end with '/' or '#'")
    listed = batch.read_sources(sources) if sources else {}
    results: list[profiles.ImportResult] = []
    rows: list[_Row] = []
    for path in paths:
        page = listed.get(path.resolve(), batch.Page(path))
        try:
            profile = profiles.read_profile(path, profile_format)
        except InputError as error:
            if not keep_going or len(paths) == 1:
                raise
            _line(f"learningcity: error: {error}; left out (--keep-going)")
            rows.append(_Row(path, None))
            continue
        result = profiles.import_profile(
            profile, page.read_on or date, page.source_url or source_url, base
        )
        for notice in result.notices:
            _line(f"{path}: warning: {notice}")
        _line(f"{path}: {_summary(result)}")
        results.append(result)
        rows.append(_Row(path, result))
    if update_layers:
        _update_layers([q for r in results for q in r.quads], output, enrich, retract)
        return ExitCode.OK
    outputs = _outputs(results, out_dir, output, enrich, retract, len(paths) > 1)
    outcome = _validate(outputs, out_dir)
    failing = _failing_cities(outcome, results, base)
    if keep_going and failing:
        kept = [r for r in results if r.key not in failing]
        outputs = _outputs(kept, out_dir, output, enrich, retract, len(paths) > 1)
    if len(paths) > 1:
        _table(rows, failing, keep_going)
    _write(outputs)
    if keep_going and (failing or len(results) < len(paths)):
        return ExitCode.PARTIAL
    return ExitCode.OK if outcome.passed else ExitCode.FAILED


@dataclass(frozen=True)
class _Row:
    """One page of a batch: what it yielded, or None when it could not be read."""

    path: Path
    result: profiles.ImportResult | None


def _failing_cities(
    outcome: ValidationOutcome, results: list[profiles.ImportResult], base: str
) -> set[str]:
    """The keys of the cities a violation is about (by the minted IRI of its focus node)."""
    from learningcity import validation

    keys = {r.key for r in results}
    return {
        key
        for found in outcome.results
        if found.severity == validation.VIOLATION
        and (key := batch.city_key_of(found.focus_node, keys, base))
    }


def _line(text: str) -> None:
    """One stderr line about a page: its title, fields and notices are the page's own text, so
    control characters in them (an escape sequence in a title) are escaped, as in every error
    line (`learningcity.errors.printable`)."""
    click.echo(printable(text), err=True)


def _table(rows: list[_Row], failing: set[str], keep_going: bool) -> None:
    """The batch's summary, one line per page: city, layout, what was found, what was warned,
    the verdict of the shapes, and whether it was written."""
    click.echo("page | city | layout | found | warned | shapes | written", err=True)
    for row in rows:
        if row.result is None:
            _line(f"{row.path} | — | — | — | — | unreadable | no")
            continue
        p, fails = row.result.profile, row.result.key in failing
        warned = ", ".join(dict.fromkeys(n.field for n in row.result.notices)) or "—"
        verdict = "violations" if fails else "passes"
        written = "no" if fails and keep_going else "yes"
        cells = [str(row.path), p.title, p.layout, ", ".join(_found(p)) or "—", warned]
        _line(" | ".join([*cells, verdict, written]))
    left = sum(1 for r in rows if r.result is None or (keep_going and r.result.key in failing))
    click.echo(
        f"{_count(len(rows), 'page')}: {len(rows) - left} written, {left} left out", err=True
    )


def _found(p: profiles.Profile) -> list[str]:
    """The parts a page yielded, named briefly."""
    counted = [
        (len(p.indicators), "indicator"),
        (len(p.focal_points), "focal point"),
        (len(p.policies), "policy statement"),
        (len(p.practices), "good practice"),
        (len(p.sections), "section"),
        (len(p.quotations), "quotation"),
    ]
    named = [
        ("population", p.population),
        (f"member since {p.member_since}", p.member_since),
        ("mayor", p.mayor),
        ("tagline", p.tagline),
        ("vision", p.vision),
    ]
    return [name for name, value in named if value] + [_count(n, noun) for n, noun in counted if n]


def _check_options(
    files: tuple[Path, ...],
    source_url: str | None,
    output: Path | None,
    out_dir: Path | None,
    layered: tuple[Path, ...],
) -> None:
    if output and out_dir:
        raise InputError("give either -o FILE (one dataset) or --out-dir DIR (a file per city)")
    if source_url and len(files) > 1:
        raise InputError("--source-url names one page; with several profiles, give each a Source")
    if layered and out_dir:
        raise InputError("--enrich/--retract apply to one dataset; use -o, not --out-dir")
    if source_url:
        usable_iri(source_url, "--source-url", web=True)


def _update_layers(
    imported: list[ox.Quad],
    curated_file: Path | None,
    enrich: tuple[Path, ...],
    retract: tuple[Path, ...],
) -> None:
    """Rewrite the two layer files from hand-edited curated data (docs/import.md)."""
    if curated_file is None or len(enrich) != 1 or len(retract) != 1:
        raise InputError("--update-layers needs -o CURATED, one --enrich and one --retract file")
    additions, retractions = profiles.split_layers(imported, list(load_paths(curated_file)))
    layers = ((enrich[0], additions, "added"), (retract[0], retractions, "replaced"))
    write_outputs((path, to_turtle(quads).encode("utf-8")) for path, quads, _ in layers)
    for path, quads, what in layers:
        click.echo(f"{path}: {_count(len(quads), 'statement')} {what}", err=True)


def _summary(result: profiles.ImportResult) -> str:
    """What one profile yielded, in one line."""
    p = result.profile
    parts = [
        f"{len(result.quads)} statements",
        "population" if p.population else "no population",
        f"member since {p.member_since}" if p.member_since else "no membership year",
        "mayor" if p.mayor else "no mayor",
        _count(len(p.focal_points), "focal point"),
        _count(len(p.policies), "policy statement"),
        _count(len(p.practices), "good practice"),
        _count(len(p.others), "other part"),
        _count(len(p.quotations), "quotation"),
        _count(len(result.notices), "warning"),
    ]
    if p.layout == "earlier":
        parts[6:6] = [
            _count(len(p.indicators), "other indicator"),
            "tagline" if p.tagline else "no tagline",
            _count(len(p.sections), "section"),
            _count(sum(len(s.items) for s in p.sections), "list item"),
        ]
        parts[0] += " (earlier layout)"
    return f"{p.title} — " + ", ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _outputs(
    results: list[profiles.ImportResult],
    out_dir: Path | None,
    output: Path | None,
    enrich: tuple[Path, ...],
    retract: tuple[Path, ...],
    several: bool = False,
) -> list[_Output]:
    """One dataset (-o, or stdout), or one file per city (--out-dir); with several pages, the
    network's catalogue in the dataset or as a file of its own beside the cities' (the same
    statements: the folder read together is the one dataset)."""
    catalogue = batch.catalogue(results) if several and results else []
    if out_dir is not None:
        return _in_folder(results, catalogue, out_dir)
    imported = list(dict.fromkeys(q for r in results for q in r.quads))  # shared organizations
    imported += catalogue
    if enrich or retract:
        additions = list(load_paths(*enrich)) if enrich else []
        retractions = list(load_paths(*retract)) if retract else []
        imported = profiles.apply_layers(imported, additions, retractions)
    return [_Output(output, imported)]


def _in_folder(
    results: list[profiles.ImportResult], catalogue: list[ox.Quad], out_dir: Path
) -> list[_Output]:
    """Each city's statements as `<key>.ttl`, the catalogue (if any) as `network.ttl`: every
    file named by its dataset's key, so that no two take one name."""
    named = [(r.key, r.profile.title, r.quads) for r in results]
    if catalogue:
        named.append((batch.CATALOGUE, "the network catalogue", catalogue))
    outputs: dict[Path, _Output] = {}
    for key, title, quads in named:
        target = out_dir / f"{key}.ttl"
        if target in outputs:
            raise InputError(f"two profiles describe {title}; import them apart")
        outputs[target] = _Output(target, quads)
    return list(outputs.values())


def _validate(outputs: list[_Output], out_dir: Path | None) -> ValidationOutcome:
    """Validate what is written, all outputs together, against the bundled shapes: a folder of
    cities as the one dataset it makes (so that it passes exactly when `-o` would, its
    catalogue checked by `lcsh:Catalog`; one run, not one per city). A progress line on a
    terminal (a network takes a while); the verdict (or report) to stderr, named by the file
    or folder."""
    from learningcity import validation

    # a list, which validate uses as it is (an ox.Dataset it would copy back: 1.4 s at 1,000)
    data = list(dict.fromkeys(q for item in outputs for q in item.quads))
    to_stdout = any(item.target is None for item in outputs)
    with TerminalProgress.for_stderr(writes_stdout=to_stdout) as progress:
        outcome = validation.validate(data, progress=progress)
    single = outputs[0].target if len(outputs) == 1 else out_dir
    name = str(single) if single else "output"
    if outcome.passed:
        click.echo(f"{name}: {validation.summary_line(outcome)}", err=True)
    else:
        click.echo(f"{name}: {validation.render_text(outcome)}", err=True, nl=False)
    return outcome


def _write(outputs: list[_Output]) -> None:
    """The outputs, all or none (`learningcity.atomic.write_outputs`): a batch interrupted or
    failing half way leaves the folder as it was."""
    files = [(item.target, item.quads) for item in outputs if item.target is not None]
    if len(files) < len(outputs):  # stdout: the one dataset
        emit(to_turtle(outputs[0].quads).encode("utf-8"), None)
        return
    with contextlib.ExitStack() as folders:
        for folder in sorted({target.parent for target, _ in files} - {Path()}):
            folders.enter_context(new_folders(folder))
        write_outputs((target, to_turtle(quads).encode("utf-8")) for target, quads in files)


@click.command("new", epilog=NEW_EPILOG, context_settings={"max_content_width": 100})
@click.argument("title")
@output_option
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def new(title: str, output: Path | None, force: bool) -> ExitCode:
    """Write a blank profile for the city TITLE ("City, Country") for its focal point to fill.

    The file has the parts of a profile page, each with a comment saying what to write;
    once filled, `learningcity import FILE` reads it and the result validates.
    """
    text = profiles.scaffold(title)
    if output is None:
        emit(text.encode("utf-8"), None)
        return ExitCode.OK
    if output.exists() and not force:
        raise InputError(f"{output}: exists; give another file name or --force")
    emit(text.encode("utf-8"), output)
    click.echo(f"{output}: blank profile of {title.strip()} written; fill in every <...>", err=True)
    return ExitCode.OK
