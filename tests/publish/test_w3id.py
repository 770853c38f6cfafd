"""The w3id.org registration file is generated: docs/w3id/.htaccess is the generator's output."""

from __future__ import annotations

from learningcity.publish.hosting import W3ID_TARGET, w3id_htaccess
from support import REPO


def test_w3id_htaccess_is_generated():
    committed = (REPO / "docs" / "w3id" / ".htaccess").read_text(encoding="utf-8")
    assert committed == w3id_htaccess(W3ID_TARGET)


def test_w3id_negotiates_before_redirecting_to_files():
    rules = w3id_htaccess(W3ID_TARGET)
    assert f"RewriteRule ^id/(.+)$ {W3ID_TARGET}doc/$1.ttl [R=303,L]" in rules
    assert f"RewriteRule ^id/(.+)$ {W3ID_TARGET}doc/$1.html [R=303,L]" in rules
    assert f"RewriteRule ^(.+/)$ {W3ID_TARGET}$1index.ttl [R=302,L]" in rules  # policy-area/
    assert f"RewriteRule ^(.+/)$ {W3ID_TARGET}$1index.ko.html [R=302,L]" in rules
    explicit = rules.index("as it is.\nRewriteRule ^(.+\\.(html|ttl")
    assert explicit < rules.index("RewriteRule ^(doc/.+|ontology")
