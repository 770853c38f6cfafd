"""The parser on crafted variants of the Yongsan source: exactly what is extracted, exactly what
is warned (one notice per field it could not read or did not know)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learningcity.errors import InputError
from learningcity.profiles import import_profile, parse_text, read_profile
from learningcity.profiles.model import (
    Block,
    Notice,
    Official,
    OtherPart,
    Person,
    PolicyStatement,
    Population,
    Profile,
    Quotation,
)
from support import FIXTURES, shared

PROFILES = FIXTURES / "profiles"
_LINE_PIECES = [
    "Yongsan-gu, Republic of Korea",
    "City population",
    "Member since",
    "Mayor",
    "Focal point",
    "Vision",
    "Policies, plan and implementation",
    "Good practices",
    "groups",
    "about 230,000",
    "Ms. Eunsung Heo",
    "Equity and Inclusion",
    "format_quote",
    "“A quoted sentence.”",
    "Mr Han Seo-jun, Head of Dalbit-gu",
    "<h2>Vision</h2>",
    "A sentence.",
    "",
]
YONGSAN_URL = "https://www.uil.unesco.org/en/learning-cities/yongsan-gu"


def test_the_committed_source_is_the_shared_source() -> None:
    source = shared("source", "yongsan-gnlc-profile.txt")
    assert (PROFILES / "yongsan-gu.txt").read_bytes() == source.read_bytes()


def test_yongsan_source_every_part() -> None:
    profile = read_profile(PROFILES / "yongsan-gu.txt")
    source = (PROFILES / "yongsan-gu.txt").read_text(encoding="utf-8")
    assert profile.title == "Yongsan-gu, Republic of Korea"
    assert (profile.city, profile.country, profile.country_code) == (
        "Yongsan-gu",
        "Republic of Korea",
        "kr",
    )
    assert profile.population == Population(229770, False, "229,770")
    assert profile.member_since == 2019
    assert profile.mayor == Official("Mayor of Yongsan-gu", Person("Hee Young Park", "Ms"))
    assert profile.focal_points == (Official(None, Person("Eunsung Heo", "Ms.")),)
    assert [s.area for s in profile.policies] == [
        "sustainability-and-health",
        "equity-and-inclusion",
        "decent-work-and-entrepreneurship",
    ]
    assert [p.heading for p in profile.practices] == [
        "Yongsan Lifelong Education Festival",
        "Talent Sharing project",
    ]
    prose = [profile.introduction, profile.vision]
    prose += [s.text for s in profile.policies] + [p.text for p in profile.practices]
    for paragraph in prose:
        assert paragraph in source  # verbatim
    assert (profile.others, profile.notices, profile.source_url) == ((), (), None)


def test_html_page_reads_as_the_text_with_entities_icons_and_chrome_removed() -> None:
    text = read_profile(PROFILES / "yongsan-gu.txt")
    html = read_profile(PROFILES / "yongsan-gu.html")
    assert html.source_url == YONGSAN_URL  # the page's canonical link
    assert "’" in html.vision  # &rsquo; and &#8217;
    # `Equity &amp; Inclusion` is written with an ampersand on the page, and kept as written
    assert html.policies[1] == PolicyStatement(
        "equity-and-inclusion", "Equity & Inclusion", text.policies[1].text
    )
    same = {"policies": text.policies, "source_url": None}
    assert Profile(**{**html.__dict__, **same}) == text


def test_missing_sections_are_each_warned() -> None:
    profile = read_profile(PROFILES / "missing-sections.txt")
    assert profile == Profile(
        title="Bremen, Germany",
        city="Bremen",
        country="Germany",
        country_code="de",
        introduction="Bremen is a city on the Weser.",
        population=Population(570000, True, "about 570,000"),
        notices=tuple(
            Notice(field, "not found")
            for field in (
                "Member since",
                "Mayor",
                "Focal point",
                "Vision",
                "Policies, plan and implementation",
                "Good practices",
            )
        ),
    )


def test_renamed_and_extra_headings_several_focal_points_other_scripts() -> None:
    profile = read_profile(PROFILES / "renamed-headings.txt")
    policies = "Policies, plans and implementation"
    assert profile == Profile(
        title="Sample-shi, Republic of Korea",
        city="Sample-shi",
        country="Republic of Korea",
        country_code="kr",
        introduction="Sample-shi lies on a river.",  # stray spaces and blank lines tidied
        population=Population(229770, False, "229 770"),
        member_since=2016,
        mayor=Official(None, Person("Jane Doe", "Dr.")),
        focal_points=(
            Official(None, Person("Kim Min-su", "Prof.")),
            Official(None, Person("Ünal Çelik", "Mr")),
            Official(None, Person("박영희")),
        ),
        vision="Learning for all, everywhere.",
        policies=(
            PolicyStatement(
                "sustainability-and-health",
                "Health & Sustainability",
                "The city greens its schools.",
            ),
            PolicyStatement(
                "equity-and-inclusion", "Equity and Inclusion", "Evening classes reach everyone."
            ),
        ),
        practices=(
            Block("River School", "A school on a boat teaches the river’s ecology."),
            Block("Empty Practice", ""),
        ),
        others=(
            OtherPart("Profile", "Area", "21.87 km²"),
            OtherPart(policies, "Literacy", "The city runs reading circles."),
        ),
        notices=(
            Notice("Mayor", "no title of the post given; labelled 'Mayor of Sample-shi'"),
            Notice("Area", "not a known field; kept as a generic statement"),
            Notice(policies, "'Literacy' is not a known policy area; kept as a generic statement"),
            Notice("Best practices", "'Empty Practice' has no description"),
        ),
    )


def test_unknown_country_unreadable_year_and_a_mayor_without_title() -> None:
    profile = read_profile(PROFILES / "unknown-country.txt")
    assert profile == Profile(
        title="Springfield, Atlantis",
        city="Springfield",
        country="Atlantis",
        country_code=None,
        introduction="Springfield is a town.",
        population=Population(1200000, True, "about 1.2 million"),
        mayor=Official(None, Person("Joe Quimby")),
        focal_points=(Official(None, Person("Lisa Simpson", "Ms")),),
        vision="To learn.",
        notices=(
            Notice("country", "'Atlantis' is not a known country name; IRIs use no country code"),
            Notice("Member since", "could not read one year in 'the early years'"),
            Notice("Mayor", "no title of the post given; labelled 'Mayor of Springfield'"),
            Notice("Policies, plan and implementation", "not found"),
            Notice("Good practices", "not found"),
        ),
    )


def _head(population: str) -> str:
    return f"Bremen, Germany\n\nA city.\nCity population\n{population}\n"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("229,770", Population(229770, False, "229,770")),
        ("229 770", Population(229770, False, "229 770")),
        ("229\u00a0770", Population(229770, False, "229 770")),
        ("229.770", Population(229770, False, "229.770")),
        ("229770 inhabitants", Population(229770, False, "229770 inhabitants")),
        ("about 230,000", Population(230000, True, "about 230,000")),
        ("approx. 230.000", Population(230000, True, "approx. 230.000")),
        ("1.2 million", Population(1200000, True, "1.2 million")),
    ],
)
def test_population_forms(written: str, expected: Population) -> None:
    profile = parse_text(_head(written), "text")
    assert profile.population == expected
    assert "City population" not in {n.field for n in profile.notices}


@pytest.mark.parametrize(
    ("written", "notice"),
    [
        ("many", "could not read a number in 'many'"),
        ("229.77", "'229.77' is not a whole number of inhabitants"),
        ("0", "'0' is not a positive number"),
    ],
)
def test_unreadable_population_is_warned_not_guessed(written: str, notice: str) -> None:
    profile = parse_text(_head(written), "text")
    assert profile.population is None
    assert Notice("City population", notice) in profile.notices


def test_trailing_words_after_the_population_are_warned() -> None:
    profile = parse_text(_head("229,770 (2020 census)"), "text")
    assert profile.population == Population(229770, False, "229,770 (2020 census)")
    assert (
        Notice("City population", "'(2020 census)' after the number is kept only in the note")
        in profile.notices
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Mayor of Bremen Mr Andreas Bovenschulte",
            Official("Mayor of Bremen", Person("Andreas Bovenschulte", "Mr")),
        ),
        (
            "Lord Mayor of Bremen, Mrs. A. Example",
            Official("Lord Mayor of Bremen", Person("A. Example", "Mrs.")),
        ),
        (
            "Mayor of Bremen Andreas Bovenschulte",
            Official("Mayor of Bremen", Person("Andreas Bovenschulte")),
        ),
        (
            "Mayor of Bremen Prof. Dr. Anna Beispiel",
            Official("Mayor of Bremen", Person("Anna Beispiel", "Prof. Dr.")),
        ),
    ],
)
def test_mayor_lines(line: str, expected: Official) -> None:
    profile = parse_text(f"Bremen, Germany\n\nA city.\nMayor\n{line}\n", "text")
    assert profile.mayor == expected
    assert "Mayor" not in {n.field for n in profile.notices}


def test_title_with_a_comma_in_the_country_name() -> None:
    profile = parse_text("Suwon, Korea, Republic of\n\nA city.\n", "text")
    assert (profile.city, profile.country, profile.country_code) == (
        "Suwon",
        "Korea, Republic of",
        "kr",
    )


def test_title_without_a_country_is_warned() -> None:
    profile = parse_text("Somewhere\n\nA city.\n", "text")
    assert (profile.city, profile.country) == ("Somewhere", None)
    assert profile.notices[0] == Notice("title", "no 'City, Country' in the title line 'Somewhere'")


def test_an_introduction_sentence_starting_with_a_label_word_stays_introduction() -> None:
    profile = parse_text(
        "Bremen, Germany\n\nPopulation growth made Bremen a port.\nCity population\n500\n", "text"
    )
    assert profile.introduction == "Population growth made Bremen a port."
    assert profile.population == Population(500, False, "500")


def test_unknown_html_section_is_kept_with_its_parts() -> None:
    page = (
        "<h1>Bremen, Germany</h1><p>A city.</p><h2>Vision</h2><p>To learn.</p>"
        "<h2>Partners &amp; networks</h2><h3>Universities</h3><p>Two universities help.</p>"
    )
    profile = parse_text(page, "html")
    assert profile.vision == "To learn."
    assert profile.others == (
        OtherPart("Partners & networks", "Universities", "Two universities help."),
    )
    assert (
        Notice(
            "Partners & networks", "not a known section; its parts are kept as generic statements"
        )
        in profile.notices
    )


def test_empty_file_is_an_input_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \ngroups\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"empty\.txt: no text found"):
        read_profile(empty)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES) | st.text(max_size=40), max_size=25))
def test_any_text_parses_or_is_refused_in_one_line(pieces: list[str]) -> None:
    """Pages differ in ways no fixture foresees: whatever the lines, the parser returns a profile
    (with warnings) or refuses the page with an `InputError`, never a traceback."""
    for format in ("text", "html"):
        try:
            profile = parse_text("\n".join(pieces), format)
        except InputError:
            continue
        assert all("\n" not in str(notice) for notice in profile.notices)  # one line each
        quads = import_profile(profile, dt.date(2026, 11, 24), "https://example.org/p").quads
        assert all(
            q.subject.value.startswith(("https://w3id.org/", "https://example.org/p"))
            for q in quads
        )


def test_a_title_without_letters_is_refused_and_an_empty_name_is_warned() -> None:
    with pytest.raises(InputError, match="names no city"):
        parse_text("!!!, Germany\n", "text")
    profile = parse_text("Bremen, Germany\nFocal point\nMs Anna Beispiel; ,\n", "text")
    assert profile.focal_points == (Official(None, Person("Anna Beispiel", "Ms")),)
    assert Notice("Focal point", "no name found in ','") in profile.notices


def test_a_short_vision_without_a_full_stop_is_still_the_vision() -> None:
    profile = parse_text(
        "Bremen, Germany\n\nVision\n\nLearning for all\n\nGood practices\n", "text"
    )
    assert profile.vision == "Learning for all"
    assert not [n for n in profile.notices if n.field == "Vision"]


def test_a_quotation_and_titles_before_names() -> None:
    """The mayor's quotation after the vision is a statement of its own, attributed to the
    mayor (the icon line and the attribution lines are not vision); titles written before the
    names are the posts' titles; sentence-case policy areas are known."""
    profile = read_profile(PROFILES / "quotation-titles-first.txt")
    mayor = Person("Han Seo-jun", "Mr")
    assert profile == Profile(
        title="Dalbit-gu, Republic of Korea",
        city="Dalbit-gu",
        country="Republic of Korea",
        country_code="kr",
        introduction="Dalbit-gu is a district on a hill, written for the importer's tests.",
        population=Population(312400, False, "312,400"),
        member_since=2021,
        mayor=Official("Head of Dalbit-gu, Sample City", mayor),
        focal_points=(
            Official("Director of the Lifelong Learning Division", Person("Yoon Ara", "Ms")),
        ),
        vision="Dalbit-gu learns together, from the first lesson to the last.",
        policies=(
            PolicyStatement(
                "sustainability-and-health",
                "Sustainability and health",
                "The district plants learning gardens.",
            ),
            PolicyStatement(
                "equity-and-inclusion", "Equity and inclusion", "Classes reach every neighbourhood."
            ),
            PolicyStatement(
                "decent-work-and-entrepreneurship",
                "Decent work and entrepreneurship",
                "Workshops help residents start businesses.",
            ),
        ),
        practices=(Block("Hill School", "Evening lessons on the hill."),),
        quotations=(
            Quotation(
                "Learning is the light of our neighbourhoods.",
                mayor,
                "Mr Han Seo-jun, Head of Dalbit-gu, Sample City",
            ),
        ),
    )


def test_accents_a_missing_value_and_a_doubtful_title() -> None:
    """A label without its value does not take the next label's (`Member since 2015` stays the
    year); the city's name is found in the mayor's title without its accents; a title without
    an honorific to end it is warned about; upper-case headings are known."""
    profile = read_profile(PROFILES / "accents-missing-values.txt")
    mayor = Person("Jean Dupont")
    focal = "Head of the Lifelong Learning Service Claire Martin"
    assert profile == Profile(
        title="Sainte-Lumière-sur-Loire, France",
        city="Sainte-Lumière-sur-Loire",
        country="France",
        country_code="fr",
        introduction=(
            "Sainte-Lumière-sur-Loire is a town on a river, written for the importer's tests."
        ),
        member_since=2015,
        mayor=Official("Mayor of Sainte-Lumiere-sur-Loire", mayor),
        focal_points=(Official(None, Person(focal)),),
        vision="A town where everyone learns.",
        policies=(
            PolicyStatement(
                "equity-and-inclusion", "EQUITY AND INCLUSION", "Libraries open in the evening."
            ),
        ),
        quotations=(
            Quotation(
                "We learn from the river.",
                mayor,
                "Jean Dupont, Mayor of Sainte-Lumière-sur-Loire",
            ),
        ),
        notices=(
            Notice("City population", "label found but no value after it"),
            Notice(
                "Focal point",
                f"no honorific to tell the post's title from the name in '{focal}'; "
                "the whole line is taken as the name; check it",
            ),
            Notice("Good practices", "not found"),
        ),
    )


_ANNA = Official("Mayor of Bremen", Person("Anna Beispiel", "Ms"))


@pytest.mark.parametrize(
    ("head", "field", "read"),
    [
        ("Member since\nMayor of Bremen Ms Anna Beispiel\n", "Member since", (None, _ANNA, ())),
        ("City population\nMember since 2016\n", "City population", (2016, None, ())),
        (
            "Mayor\nFocal point\nMs Anna Beispiel\n",
            "Mayor",
            (None, None, (Official(None, Person("Anna Beispiel", "Ms")),)),
        ),
    ],
)
def test_a_label_without_its_value_never_takes_the_next_labels(
    head: str, field: str, read: tuple[int | None, Official | None, tuple[Official, ...]]
) -> None:
    profile = parse_text(f"Bremen, Germany\n\nA city.\n{head}", "text")
    assert (profile.member_since, profile.mayor, profile.focal_points) == read
    assert profile.population is None
    missing = [n for n in profile.notices if n.message == "label found but no value after it"]
    assert missing == [Notice(field, "label found but no value after it")]


@pytest.mark.parametrize(
    ("line", "official", "doubt"),
    [
        (
            "Head of Jongno-gu, Seoul Mr Kim Cheol-su",
            Official("Head of Jongno-gu, Seoul", Person("Kim Cheol-su", "Mr")),
            None,
        ),
        (
            "Head of Jongno-gu, Seoul Kim Cheol-su",
            Official("Head of Jongno-gu", Person("Seoul Kim Cheol-su")),
            "no honorific to tell where the post's title ends in 'Head of Jongno-gu, Seoul Kim "
            "Cheol-su'; read as 'Head of Jongno-gu' held by 'Seoul Kim Cheol-su'; check it",
        ),
        (
            "Ms Lee Ji-eun, Head of Jongno-gu",
            Official("Head of Jongno-gu", Person("Lee Ji-eun", "Ms")),
            None,
        ),
        (
            "Kim Cheol-su, Head of Jongno-gu",
            Official("Head of Jongno-gu", Person("Kim Cheol-su")),
            None,
        ),
    ],
)
def test_mayor_titles_before_and_after_the_name(
    line: str, official: Official, doubt: str | None
) -> None:
    profile = parse_text(f"Jongno-gu, Republic of Korea\n\nA district.\nMayor\n{line}\n", "text")
    assert profile.mayor == official
    assert [n.message for n in profile.notices if n.field == "Mayor"] == ([doubt] if doubt else [])


def test_a_quotation_of_someone_else_or_of_nobody_is_warned() -> None:
    page = (
        "Bremen, Germany\n\nA city.\nMayor\nMayor of Bremen Ms Anna Beispiel\n\nVision\n\n"
        "To learn.\nformat_quote\n“Come and learn.”\nMr Max Muster, Head of the Library\n\n"
        "Good practices\n\nformat_quote\nWords nobody said.\n"
    )
    profile = parse_text(page, "text")
    assert profile.vision == "To learn."
    assert profile.quotations == (
        Quotation(
            "Come and learn.", Person("Max Muster", "Mr"), "Mr Max Muster, Head of the Library"
        ),
    )
    assert profile.others == (OtherPart("Profile", "Quotation", "Words nobody said."),)
    assert [str(n) for n in profile.notices if n.field == "Quotation"] == [
        "Quotation: no speaker named under the quoted words; kept as a statement",
        "Quotation: 'Max Muster' is not the mayor or a focal point the page names; recorded as "
        "the speaker all the same",
    ]


def test_a_quotation_without_its_icon_in_html_and_a_quoted_description_that_is_none() -> None:
    """HTML drops icon elements, so the quotation is known by its shape: a paragraph in quotation
    marks after the vision's text, then the speaker with an honorific. A practice whose
    description is in quotation marks, followed by a title with an honorific, stays a practice."""
    profile = read_profile(PROFILES / "quotation-titles-first.html")
    assert profile.vision == "Dalbit-gu learns together, from the first lesson to the last."
    assert profile.quotations == (
        Quotation(
            "Learning is the light of our neighbourhoods.",
            Person("Han Seo-jun", "Mr"),
            "Mr Han Seo-jun, Head of Dalbit-gu, Sample City",
        ),
    )
    assert profile.practices == (
        Block("Hill School", "“Evening lessons on the hill.”"),
        Block("Dr Lee's Reading Club", "Neighbours read together."),
    )
    assert profile.focal_points == (
        Official("Director of the Lifelong Learning Division", Person("Yoon Ara", "Ms")),
    )
    assert [str(n) for n in profile.notices] == [
        "City population: not found",
        "Member since: not found",
        "Policies, plan and implementation: not found",
    ]
    text = parse_text(
        "Bremen, Germany\n\nGood practices\n\nHill School\n“Evening lessons.”\nDr Lee's Club\n"
        "Neighbours read.\n",
        "text",
    )
    assert (text.quotations, len(text.practices)) == ((), 2)
