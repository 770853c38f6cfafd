"""The UNESCO region of each country, for the network's index by region.

Why a table: the data names a city's country (`place:kr`, keyed by its ISO 3166-1 alpha-2 code,
docs/iri-scheme.md) but not its region, and UNESCO groups its member states into five regions of
its own (not the UN's geographic regions): the network's announcements list new members by
them. A country not in the table is shown under "region not known", never guessed.
"""

from __future__ import annotations

from typing import Final

#: region key -> (English name, Korean name), in UNESCO's order.
REGIONS: Final[dict[str, tuple[str, str]]] = {
    "africa": ("Africa", "아프리카"),
    "arab-states": ("Arab States", "아랍 국가"),
    "asia-pacific": ("Asia and the Pacific", "아시아·태평양"),
    "europe-north-america": ("Europe and North America", "유럽·북미"),
    "latin-america-caribbean": ("Latin America and the Caribbean", "라틴아메리카·카리브"),
}
#: The key under which countries not in the table are listed.
UNKNOWN: Final = "unknown"
UNKNOWN_NAMES: Final = ("Region not known", "지역 미상")

_CODES = {
    "africa": "ao bj bw bf bi cv cm cf td km cg cd ci gq er sz et ga gm gh gn gw ke ls lr mg mw "
    "ml mu mz na ne ng rw st sn sc sl za ss tz tg ug zm zw",
    "arab-states": "dz bh dj eg iq jo kw lb ly mr ma om ps qa sa so sd sy tn ae ye",
    "asia-pacific": "af au bd bt bn kh cn fj in id ir jp kz ki kp kr kg la my mv mh fm mn mm nr "
    "np nz pk pw pg ph ws sg sb lk tj th tl to tm tv uz vu vn",
    "europe-north-america": "al ad am at az by be ba bg ca hr cy cz dk ee fi fr ge de gr hu is "
    "ie il it lv li lt lu mt mc me nl mk no pl pt md ro ru sm rs sk si es se ch tr ua gb us",
    "latin-america-caribbean": "ag ar bs bb bz bo br cl co cr cu dm do ec sv gd gt gy ht hn jm "
    "mx ni pa py pe kn lc vc sr tt uy ve",
}
#: ISO 3166-1 alpha-2 code -> region key.
REGION_OF: Final[dict[str, str]] = {
    code: region for region, codes in _CODES.items() for code in codes.split()
}


def region_of(country_code: str) -> str:
    """The region key of a country's lowercase ISO code, `UNKNOWN` when it is not listed."""
    return REGION_OF.get(country_code, UNKNOWN)


def region_name(region: str, language: str) -> str:
    english, korean = REGIONS.get(region, UNKNOWN_NAMES)
    return korean if language == "ko" else english
