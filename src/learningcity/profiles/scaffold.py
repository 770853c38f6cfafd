"""A blank profile for a new city: the parts a focal point fills in, each explained.

Why plain text in the network's own layout: the focal point writes what the profile page will
show, and `learningcity import` reads the file exactly as it reads a copied page. Lines starting
with `#` are comments; a `<placeholder>` left unfilled is reported, never imported.
"""

from __future__ import annotations

from learningcity.errors import InputError
from learningcity.profiles.countries import country_code

_TEMPLATE = """\
# Profile of {city} for the UNESCO Global Network of Learning Cities.
# Replace every <placeholder> line by the text the profile page should show; lines starting
# with "#" are comments and are ignored. Keep the headings as they are. Then check the file:
#   learningcity import {{this file}} --source-url URL-OF-THE-PAGE -o {slug}.ttl
#   learningcity validate {slug}.ttl
{title}

# Introduction: one or more paragraphs on where the city lies, its history, what it is known for.
<Introduction of the city>

City population
# A whole number as published, e.g. 229,770; write "about 230,000" if it is an estimate.
<Number of inhabitants>
Member since
# The year the city joined the network, e.g. 2019.
<Year>
Mayor
# The title of the post, then the mayor's title (Mr, Ms, Dr, Prof.) and name,
# e.g. Mayor of {city} Ms Jane Doe
<Title of the post, title and name of the mayor>
Focal point
# The title and name of the contact person; one line per person if there are several.
<Title and name of the focal point>
Source
# The address of the city's profile page, if it has one (or give --source-url when importing).
<https://www.uil.unesco.org/en/learning-cities/...>

Vision

# One or more paragraphs: the city's vision for lifelong learning.
<Vision>

Policies, plan and implementation

# Under each policy area, what the city does, in full sentences; delete an area it does not cover.
Sustainability and Health
<Policies, plans and implementation for sustainability and health>
Equity and Inclusion
<Policies, plans and implementation for equity and inclusion>
Decent Work and Entrepreneurship
<Policies, plans and implementation for decent work and entrepreneurship>

Good practices

# For each good practice, its title on one line, then its description in full sentences.
<Title of a good practice>
<Description of the good practice>
"""


def scaffold(title: str) -> str:
    """The scaffold for `City, Country`; refuses a title the importer could not read back."""
    city, _, country = (part.strip() for part in title.rpartition(","))
    if not city or not country:
        raise InputError(f"'{title}': give the title as \"City, Country\"")
    if country_code(country) is None:
        raise InputError(
            f"'{country}' is not a known country name; use the UN name, e.g. 'Republic of Korea'"
        )
    slug = "-".join(city.casefold().split())
    return _TEMPLATE.format(city=city, title=f"{city}, {country}", slug=slug)
