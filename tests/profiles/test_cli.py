"""`learningcity import` and `learningcity new` from the command line: outputs, warnings,
summaries, exit codes, and a new city's profile from scaffold to a conforming graph."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from learningcity import validation
from learningcity.cli import cli
from learningcity.errors import LearningCityError
from learningcity.load import load_paths
from rdfcompare import canonical
from support import FIXTURES, REPO

PROFILES = FIXTURES / "profiles"
YONGSAN = str(PROFILES / "yongsan-gu.txt")
URL = "https://www.uil.unesco.org/en/learning-cities/yongsan-gu"
ID = "https://w3id.org/learningcity/id/"
READ = ox.NamedNode("https://w3id.org/learningcity/ontology#retrievedOn")
LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _code(result: Result) -> int:
    """The exit code `learningcity.cli.main` gives: an error's own code, else click's."""
    if isinstance(result.exception, LearningCityError):
        return int(result.exception.exit_code)
    return result.exit_code


def test_import_writes_turtle_to_stdout_and_reports_to_stderr() -> None:
    done = _run("import", YONGSAN, "--source-url", URL, "--read-on", "2026-11-24")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("@prefix city: <https://w3id.org/learningcity/id/city/> .")
    assert "city:kr-yongsan-gu\n    a lc:LearningCity ;" in done.stdout
    summary, verdict = done.stderr.splitlines()
    assert summary == (
        f"{YONGSAN}: Yongsan-gu, Republic of Korea — 124 statements, population, member since "
        "2019, mayor, 1 focal point, 3 policy statements, 2 good practices, 0 other parts, "
        "0 quotations, 0 warnings"
    )
    assert verdict == (  # the import lacks the curated coordinates and sameAs links: warnings
        "output: Conforms: no — 0 violations, 2 warnings, 2 infos in 3 focus nodes; "
        "passes: warnings and infos allowed"
    )


def test_the_installed_command_imports_a_quotation_and_titles_first_and_they_conform() -> None:
    """A real process: the quotation, the titles before the names and the sentence-case policy
    areas give no warning and no violation of the bundled shapes."""
    page = str(PROFILES / "quotation-titles-first.txt")
    done = subprocess.run(
        [LEARNINGCITY, "import", page, "--source-url", URL, "--read-on", "2026-11-24"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    summary, verdict = done.stderr.splitlines()
    assert summary == (
        f"{page}: Dalbit-gu, Republic of Korea — 128 statements, population, member since 2021, "
        "mayor, 1 focal point, 3 policy statements, 1 good practice, 0 other parts, "
        "1 quotation, 0 warnings"
    )
    assert verdict.startswith("output: Conforms: no — 0 violations, 2 warnings,")
    assert "a schema:Quotation ;" in done.stdout


def test_read_on_defaults_to_today_and_is_recorded() -> None:
    done = _run("import", YONGSAN, "--source-url", URL)
    assert done.exit_code == 0
    dated = re.search(r'lc:retrievedOn "(\d{4}-\d\d-\d\d)"\^\^xsd:date', done.stdout)
    assert dated is not None


def test_warnings_name_the_field_and_a_non_conforming_import_exits_1(tmp_path: Path) -> None:
    target = tmp_path / "bremen.ttl"
    missing = str(PROFILES / "missing-sections.txt")
    done = _run("import", missing, "--read-on", "2026-11-24", "-o", str(target))
    assert done.exit_code == 1
    warnings = [line for line in done.stderr.splitlines() if ": warning: " in line]
    assert warnings == [
        f"{missing}: warning: Member since: not found",
        f"{missing}: warning: Mayor: not found",
        f"{missing}: warning: Focal point: not found",
        f"{missing}: warning: Vision: not found",
        f"{missing}: warning: Policies, plan and implementation: not found",
        f"{missing}: warning: Good practices: not found",
        f"{missing}: warning: source: no --source-url and none in the page; assumed "
        "https://www.uil.unesco.org/en/learning-cities/bremen",
    ]
    assert "Conforms: no — " in done.stderr
    assert target.is_file()  # written all the same, to be fixed


def test_many_profiles_one_dataset(tmp_path: Path) -> None:
    target = tmp_path / "network.ttl"
    html = str(PROFILES / "yongsan-gu.html")
    other = str(PROFILES / "renamed-headings.txt")
    done = _run("import", html, other, "--read-on", "2026-11-24", "-o", str(target))
    assert done.exit_code == 1  # the empty practice of the second profile
    summaries = [
        line
        for line in done.stderr.splitlines()
        if " — " in line and "Conforms" not in line and " | " not in line  # not the table
    ]
    assert [s.split(": ", 1)[0] for s in summaries] == [html, other]
    cities = {
        q.subject.value
        for q in load_paths(target)
        if q.subject.value.endswith(("yongsan-gu", "sample-shi")) and "/city/" in q.subject.value
    }
    assert len(cities) == 2


def test_many_profiles_one_file_per_city_and_the_catalogue_make_the_one_dataset(
    tmp_path: Path,
) -> None:
    out, single = tmp_path / "cities", tmp_path / "network.ttl"
    pages = [YONGSAN, str(PROFILES / "missing-sections.txt")]
    done = _run("import", *pages, "--read-on", "2026-11-24", "--out-dir", str(out))
    assert done.exit_code == 1  # Bremen lacks required parts
    files = sorted(out.iterdir())
    assert [p.name for p in files] == ["de-bremen.ttl", "kr-yongsan-gu.ttl", "network.ttl"]
    reports = [line for line in done.stderr.splitlines() if line.startswith(f"{out}")]
    assert reports == [f"{out}: city:de-bremen"]  # one report, of the folder as one dataset
    one = _run("import", *pages, "--read-on", "2026-11-24", "-o", str(single))
    assert one.exit_code == 1
    assert canonical(load_paths(*files)) == canonical(load_paths(single))
    verdicts = [[n for n in r.stderr.splitlines() if "Conforms:" in n] for r in (done, one)]
    assert verdicts == [["Conforms: no — 1 violation, 6 warnings, 2 infos in 5 focus nodes"]] * 2
    catalogue = load_paths(out / "network.ttl")
    listed = {q.object.value for q in catalogue if q.predicate.value.endswith("dcat#dataset")}
    assert listed == {f"{ID}dataset/de-bremen", f"{ID}dataset/kr-yongsan-gu"}
    for city in ("kr-yongsan-gu", "de-bremen"):  # each file keeps its page and the date read
        dates = {q.object.value for q in load_paths(out / f"{city}.ttl") if q.predicate == READ}
        assert dates == {"2026-11-24"}


def test_a_site_published_from_a_folder_of_cities_is_titled_for_the_network(
    tmp_path: Path,
) -> None:
    """Issue 16: the home page is titled for the network (it took a generic catalogue title, in
    English only), in both languages."""
    out, site = tmp_path / "cities", tmp_path / "site"
    pages = [str(PROFILES / "earlier-layout.txt"), YONGSAN]
    assert _run("import", *pages, "--read-on", "2026-11-24", "--out-dir", str(out)).exit_code == 0
    published = _run("publish", *map(str, sorted(out.iterdir())), "--out", str(site))
    assert published.exit_code == 0, published.stderr
    titles = {
        name: re.findall(r"<h1><span>(.*?)</span></h1>", (site / name).read_text("utf-8"))
        for name in ("index.html", "index.ko.html")
    }
    assert titles == {
        "index.html": [
            "UNESCO Global Network of Learning Cities: learning city profiles as linked data"
        ],
        "index.ko.html": ["유네스코 학습도시 국제 네트워크: 학습도시 프로필 링크드 데이터"],
    }


def test_a_folder_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    """One file that cannot be replaced (read-only) leaves the folder as it was: no city's
    file, no catalogue, no temporary file."""
    locked = tmp_path / "kr-yongsan-gu.ttl"
    locked.write_text("# curated by hand\n", encoding="utf-8")
    locked.chmod(0o444)
    pages = [str(PROFILES / "earlier-layout.txt"), YONGSAN]
    done = _run("import", *pages, "--read-on", "2026-11-24", "--out-dir", str(tmp_path))
    assert _code(done) == 3
    assert str(done.exception).startswith(f"{locked}: is read-only, left unchanged")
    assert [p.name for p in tmp_path.iterdir()] == ["kr-yongsan-gu.ttl"]
    assert locked.read_text(encoding="utf-8") == "# curated by hand\n"


def test_one_profile_in_a_folder_has_no_catalogue(tmp_path: Path) -> None:
    done = _run("import", YONGSAN, "--read-on", "2026-11-24", "--out-dir", str(tmp_path))
    assert done.exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["kr-yongsan-gu.ttl"]
    target = tmp_path / "kr-yongsan-gu.ttl"
    assert f"{target}: Conforms: no — 0 violations, 2 warnings" in done.stderr


def test_a_city_whose_key_is_the_catalogues_is_refused(tmp_path: Path) -> None:
    """A city of a country the importer does not know has its name alone as its key: named
    "Network", its dataset would be the catalogue, in one file as in a folder."""
    page = tmp_path / "network.txt"
    text = (PROFILES / "unknown-country.txt").read_text(encoding="utf-8")
    page.write_text(text.replace("Springfield", "Network"), encoding="utf-8")
    for output in (["-o", str(tmp_path / "one.ttl")], ["--out-dir", str(tmp_path / "out")]):
        done = _run("import", str(page), YONGSAN, "--read-on", "2026-11-24", *output)
        assert _code(done) == 2
        assert str(done.exception) == (
            "Network, Atlantis: its key 'network' (a name in a country the importer does not "
            "know) is the network catalogue's; import it apart"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["network.txt"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "missing.txt: no such file; check the path"),
        ([YONGSAN, YONGSAN, "--source-url", URL], "--source-url names one page"),
        ([YONGSAN, "-o", "a.ttl", "--out-dir", "d"], "give either -o FILE"),
        ([YONGSAN, "--source-url", "yongsan"], "--source-url 'yongsan': not an absolute IRI"),
        ([YONGSAN, "--base", "https://example.org/id"], "must end with '/' or '#'"),
        ([YONGSAN, "--retract", str(REPO / "data" / "yongsan.ttl")], "not in the import"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    done = subprocess.run(
        [LEARNINGCITY, "import", *args], capture_output=True, text=True, timeout=60, cwd=REPO
    )
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("learningcity: ")]
    assert len(errors) == 1 and message in errors[0]
    assert "Traceback" not in done.stderr


def test_unwritable_output_exits_3(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "x.ttl"
    target.parent.write_text("a file where a folder should be")
    done = _run("import", YONGSAN, "--source-url", URL, "-o", str(target))
    assert _code(done) == 3


def test_format_option_overrides_the_extension(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes((PROFILES / "yongsan-gu.html").read_bytes())
    done = _run("import", str(page), "--format", "html", "--read-on", "2026-11-24")
    assert done.exit_code == 0 and "0 warnings" in done.stderr


FILLED = {
    "<Introduction of the city>": "Suwon lies south of Seoul.",
    "<Number of inhabitants>": "1,190,000",
    "<Year>": "2016",
    "<Title of the post, title and name of the mayor>": "Mayor of Suwon Mr Jane Doe",
    "<Title and name of the focal point>": "Ms. Kim Example",
    "<https://www.uil.unesco.org/en/learning-cities/...>": "https://example.org/suwon",
    "<Vision>": "Suwon learns together.",
    "<Policies, plans and implementation for sustainability and health>": "Parks teach.",
    "<Policies, plans and implementation for equity and inclusion>": "Everyone learns.",
    "<Policies, plans and implementation for decent work and entrepreneurship>": "Jobs grow.",
    "<Title of a good practice>": "Learning Streets",
    "<Description of the good practice>": "Streets become classrooms once a month.",
}


def test_new_then_fill_then_import_then_validate(tmp_path: Path) -> None:
    profile = tmp_path / "suwon.txt"
    done = _run("new", "Suwon, Republic of Korea", "-o", str(profile))
    assert done.exit_code == 0
    text = profile.read_text(encoding="utf-8")
    placeholders = [line for line in text.splitlines() if line.startswith("<")]
    assert placeholders == list(FILLED)  # every part to fill is a placeholder
    unfilled = _run("import", str(profile), "--read-on", "2026-11-24")
    assert "warning: placeholder: '<Vision>' was not filled in" in unfilled.stderr
    for placeholder, value in FILLED.items():
        text = text.replace(placeholder, value)
    profile.write_text(text, encoding="utf-8")
    target = tmp_path / "suwon.ttl"
    imported = _run("import", str(profile), "--read-on", "2026-11-24", "-o", str(target))
    assert imported.exit_code == 0, imported.stderr
    assert "0 warnings" in imported.stderr
    assert validation.validate(load_paths(target)).passed
    assert _run("validate", str(target)).exit_code == 0
    assert "<https://example.org/suwon>" in target.read_text(encoding="utf-8")


def test_new_to_stdout_and_refusals(tmp_path: Path) -> None:
    done = _run("new", "Bremen, Germany")
    assert done.exit_code == 0 and done.stdout.splitlines()[5] == "Bremen, Germany"
    assert _code(_run("new", "Bremen")) == 2
    assert "not a known country" in str(_run("new", "Bremen, Atlantis").exception)
    existing = tmp_path / "bremen.txt"
    existing.write_text("filled in already")
    refused = _run("new", "Bremen, Germany", "-o", str(existing))
    assert _code(refused) == 2 and existing.read_text() == "filled in already"
    assert _run("new", "Bremen, Germany", "-o", str(existing), "--force").exit_code == 0


def test_installed_command_imports_html_in_a_real_process(tmp_path: Path) -> None:
    target = tmp_path / "y.ttl"
    done = subprocess.run(
        [
            LEARNINGCITY,
            "import",
            str(PROFILES / "yongsan-gu.html"),
            "--read-on",
            "2026-11-24",
            "-o",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    expected = subprocess.run(
        [LEARNINGCITY, "import", YONGSAN, "--source-url", URL, "--read-on", "2026-11-24"],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    different = canonical(load_paths(target)) ^ {
        line for line in canonical(list(load_paths(_write(tmp_path, expected))))
    }
    assert len(different) == 2  # the heading `Equity & Inclusion` as the page writes it


def _write(folder: Path, text: str) -> Path:
    path = folder / "from-text.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def test_help_has_examples() -> None:
    for command in ("import", "new"):
        done = _run(command, "--help")
        assert done.exit_code == 0 and "Examples:" in done.stdout and "Exit codes:" in done.stdout


def test_organizations_shared_by_several_profiles_are_written_once() -> None:
    done = _run(
        "import", YONGSAN, str(PROFILES / "missing-sections.txt"), "--read-on", "2026-11-24"
    )
    block = done.stdout.split("organization:gnlc\n", 1)[1].split("\n\n", 1)[0]
    assert block.startswith("    a org:Organization, schema:Organization ;\n")


#: OSC 0: a terminal sets its window title to what follows, up to BEL
TITLE_ESCAPE = "\x1b]0;pwned\x07"


def test_a_pages_control_characters_are_escaped_in_every_line_about_it(tmp_path: Path) -> None:
    """A title with a terminal escape (OSC 0 sets the window title) came back raw in the page's
    warnings, summary and batch table; every stderr line is printable, the escape spelled out."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("a", "b"):
        (pages / f"{name}.html").write_text(
            f"<html><body><h1>Yongsan-gu {name}, Republic of Korea{TITLE_ESCAPE}</h1></body></html>"
        )
    done = subprocess.run(
        [
            LEARNINGCITY,
            "import",
            str(pages),
            "--read-on",
            "2026-11-24",
            "-o",
            str(tmp_path / "o.ttl"),
        ],
        capture_output=True,
        text=True,
    )
    lines = done.stderr.splitlines()
    assert any("Republic of Korea\\x1b]0;pwned\\x07" in line for line in lines), done.stderr
    assert all(line.isprintable() for line in lines), [x for x in lines if not x.isprintable()]
