"""Read a JSON-LD document with pyld and with rdflib as their users do, with the network shut.

    python tests/jsonld_readers.py DOCUMENT [HOST:PORT]

Prints `{"pyld": N-Quads, "rdflib": N-Quads, "errors": {...}, "refused": [...], "fetched": [...]}`
as JSON (a reader's N-Quads are null, and its error is under "errors", when it failed).
A fresh process, so that its audit hook (which cannot be removed) shuts nothing else: every
socket connection and name lookup is refused (PermissionError, and recorded) unless it is to
HOST:PORT, the local server that hosts a context the document names. pyld gets the document
loader a user gives it: one that fetches from HOST:PORT with urllib and raises for any other
URL; rdflib fetches remote contexts by itself. Neither processor is mocked: each reads the
document, and any context it names, as it would for anyone.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path
from typing import Any

REFUSED: list[str] = []
FETCHED: list[str] = []


def _shut(allowed: tuple[str, int] | None) -> None:
    def hook(event: str, arguments: tuple[Any, ...]) -> None:
        if event == "socket.connect":
            address = arguments[1]
        elif event == "socket.getaddrinfo":
            address = (arguments[0], arguments[1])
        else:
            return
        if not isinstance(address, tuple) or len(address) < 2:
            REFUSED.append(f"{event} {address!r}")
            raise PermissionError(f"network shut: {event} {address!r}")
        host, port = address[0], address[1]
        if allowed is None or (host, int(port or 0)) != allowed:
            REFUSED.append(f"{event} {host}:{port}")
            raise PermissionError(f"network shut: {event} {host}:{port}")

    sys.addaudithook(hook)


def _loader(allowed: tuple[str, int] | None) -> Any:
    from pyld.jsonld import JsonLdError

    root = None if allowed is None else f"http://{allowed[0]}:{allowed[1]}/"

    def load(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if root is None or not url.startswith(root):
            REFUSED.append(f"pyld {url}")
            raise JsonLdError(
                f"network shut: {url}", "jsonld.LoadDocumentError", code="loading document failed"
            )
        request = urllib.request.Request(url, headers={"Accept": "application/ld+json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            FETCHED.append(url)
            return {
                "contentType": response.headers.get_content_type(),
                "contextUrl": None,
                "documentUrl": response.geturl(),
                "document": json.loads(response.read()),
            }

    return load


def main() -> None:
    path = sys.argv[1]
    allowed = None
    if len(sys.argv) > 2:
        host, _, port = sys.argv[2].rpartition(":")
        allowed = (host, int(port))
    _shut(allowed)
    import rdflib
    from pyld import jsonld

    rdflib.NORMALIZE_LITERALS = False  # keep "0123"^^xsd:integer as written, as RDF does
    text = Path(path).read_text(encoding="utf-8")

    def with_pyld() -> str:
        options = {"format": "application/n-quads", "documentLoader": _loader(allowed)}
        return jsonld.to_rdf(json.loads(text), options)

    def with_rdflib() -> str:
        dataset = rdflib.Dataset()
        dataset.parse(data=text, format="json-ld")
        return dataset.serialize(format="nquads")

    readings: dict[str, Any] = {"errors": {}}
    for name, reader in (("pyld", with_pyld), ("rdflib", with_rdflib)):
        try:
            readings[name] = reader()
        except Exception as error:  # what the processor says, reported to the test
            readings[name] = None
            readings["errors"][name] = f"{type(error).__name__}: {error!r}"
    print(json.dumps({**readings, "refused": REFUSED, "fetched": FETCHED}))


if __name__ == "__main__":
    main()
