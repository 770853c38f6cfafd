"""Country names as the network's profiles write them, and their ISO 3166-1 alpha-2 codes.

Why a table and not a library: the codes go into minted IRIs (`city:kr-yongsan-gu`), so they
must not change with a dependency's release; the network writes UN names ("Republic of Korea",
"Türkiye", "United Republic of Tanzania"), and common variants are listed as aliases. A name not
found here is reported, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# code|name as the UN writes it|aliases...
_TABLE = """\
af|Afghanistan
al|Albania
dz|Algeria
ad|Andorra
ao|Angola
ag|Antigua and Barbuda
ar|Argentina
am|Armenia
au|Australia
at|Austria
az|Azerbaijan
bs|Bahamas|The Bahamas
bh|Bahrain
bd|Bangladesh
bb|Barbados
by|Belarus
be|Belgium
bz|Belize
bj|Benin
bt|Bhutan
bo|Bolivia (Plurinational State of)|Bolivia
ba|Bosnia and Herzegovina
bw|Botswana
br|Brazil
bn|Brunei Darussalam|Brunei
bg|Bulgaria
bf|Burkina Faso
bi|Burundi
cv|Cabo Verde|Cape Verde
kh|Cambodia
cm|Cameroon
ca|Canada
cf|Central African Republic
td|Chad
cl|Chile
cn|China|People's Republic of China
co|Colombia
km|Comoros
cg|Congo|Republic of the Congo
cd|Democratic Republic of the Congo|DR Congo
cr|Costa Rica
ci|Côte d'Ivoire|Ivory Coast
hr|Croatia
cu|Cuba
cy|Cyprus
cz|Czechia|Czech Republic
dk|Denmark
dj|Djibouti
dm|Dominica
do|Dominican Republic
ec|Ecuador
eg|Egypt
sv|El Salvador
gq|Equatorial Guinea
er|Eritrea
ee|Estonia
sz|Eswatini|Swaziland
et|Ethiopia
fj|Fiji
fi|Finland
fr|France
ga|Gabon
gm|Gambia|The Gambia
ge|Georgia
de|Germany
gh|Ghana
gr|Greece
gd|Grenada
gt|Guatemala
gn|Guinea
gw|Guinea-Bissau
gy|Guyana
ht|Haiti
hn|Honduras
hu|Hungary
is|Iceland
in|India
id|Indonesia
ir|Iran (Islamic Republic of)|Iran
iq|Iraq
ie|Ireland
il|Israel
it|Italy
jm|Jamaica
jp|Japan
jo|Jordan
kz|Kazakhstan
ke|Kenya
ki|Kiribati
kp|Democratic People's Republic of Korea|North Korea
kr|Republic of Korea|Korea, Republic of|South Korea|Korea (Republic of)
kw|Kuwait
kg|Kyrgyzstan
la|Lao People's Democratic Republic|Laos
lv|Latvia
lb|Lebanon
ls|Lesotho
lr|Liberia
ly|Libya
li|Liechtenstein
lt|Lithuania
lu|Luxembourg
mg|Madagascar
mw|Malawi
my|Malaysia
mv|Maldives
ml|Mali
mt|Malta
mh|Marshall Islands
mr|Mauritania
mu|Mauritius
mx|Mexico
fm|Micronesia (Federated States of)|Micronesia
md|Republic of Moldova|Moldova
mc|Monaco
mn|Mongolia
me|Montenegro
ma|Morocco
mz|Mozambique
mm|Myanmar
na|Namibia
nr|Nauru
np|Nepal
nl|Netherlands|Kingdom of the Netherlands|Netherlands (Kingdom of the)
nz|New Zealand
ni|Nicaragua
ne|Niger
ng|Nigeria
mk|North Macedonia
no|Norway
om|Oman
pk|Pakistan
pw|Palau
ps|Palestine|State of Palestine
pa|Panama
pg|Papua New Guinea
py|Paraguay
pe|Peru
ph|Philippines
pl|Poland
pt|Portugal
qa|Qatar
ro|Romania
ru|Russian Federation|Russia
rw|Rwanda
kn|Saint Kitts and Nevis
lc|Saint Lucia
vc|Saint Vincent and the Grenadines
ws|Samoa
sm|San Marino
st|Sao Tome and Principe
sa|Saudi Arabia
sn|Senegal
rs|Serbia
sc|Seychelles
sl|Sierra Leone
sg|Singapore
sk|Slovakia
si|Slovenia
sb|Solomon Islands
so|Somalia
za|South Africa
ss|South Sudan
es|Spain
lk|Sri Lanka
sd|Sudan
sr|Suriname
se|Sweden
ch|Switzerland
sy|Syrian Arab Republic|Syria
tj|Tajikistan
tz|United Republic of Tanzania|Tanzania
th|Thailand
tl|Timor-Leste
tg|Togo
to|Tonga
tt|Trinidad and Tobago
tn|Tunisia
tr|Türkiye|Turkey
tm|Turkmenistan
tv|Tuvalu
ug|Uganda
ua|Ukraine
ae|United Arab Emirates
gb|United Kingdom of Great Britain and Northern Ireland|United Kingdom|UK
us|United States of America|United States|USA
uy|Uruguay
uz|Uzbekistan
vu|Vanuatu
ve|Venezuela (Bolivarian Republic of)|Venezuela
vn|Viet Nam|Vietnam
ye|Yemen
zm|Zambia
zw|Zimbabwe
"""


def _key(name: str) -> str:
    """Compare names without case, accents, punctuation or spacing differences."""
    decomposed = unicodedata.normalize("NFKD", name.replace("&", " and "))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"\w+", plain))


@cache
def _codes() -> dict[str, str]:
    codes = {}
    for row in _TABLE.splitlines():
        code, *names = row.split("|")
        for name in names:
            codes[_key(name)] = code
    return codes


def country_code(name: str) -> str | None:
    """`Republic of Korea` -> `kr`; None for a name the table does not know."""
    return _codes().get(_key(name))
