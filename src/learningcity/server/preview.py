"""`learningcity preview`: a published site, served locally by the rules its hosts are given.

A folder opened with `python -m http.server` is not the deployed site: `/id/X` answers 404
instead of `303 See Other`, and `/doc/X` 404 instead of the page or the RDF `Accept` asks for.
This serves the folder as the nginx configuration `publish` writes does
(`learningcity.publish.hosting.nginx_server`), decision for decision: the same static order of
media types (the first of Turtle, N-Triples, ... that `Accept` names, else HTML for `text/html`,
`text/*` or `*/*`, else 406; no q-values), the language from the first tag of
`Accept-Language`, the same files tried, the same `Vary`, `Content-Location`, `Link` and CORS
headers, under the same path (the root's, `/learningcity/` for the default base). The
`tests/publish/test_nginx.py` suite runs against both, so the two cannot drift apart.

The site's root is read from its `robots.txt` (`Sitemap: {root}sitemap.xml`), so a site is
previewed at the paths it was published for, whatever `--base` it had.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from learningcity.errors import InputError
from learningcity.publish.hosting import NOT_ACCEPTABLE, RDF, SECOND_LANGUAGES, TYPES
from learningcity.rendering.labels import LANGUAGES
from learningcity.rendering.representations import REPRESENTATIONS
from learningcity.server.paths import ControlCharacterGuard, reference

#: The media types a browser's or a client's `Accept` is matched against, in the hosts' order.
_RDF_TYPES = tuple((r.media_type.lower(), r.extension) for r in RDF)
_HTML = re.compile(r"text/html|application/xhtml\+xml|text/\*|\*/\*", re.IGNORECASE)
_ANY_RDF = re.compile(r"text/\*|\*/\*", re.IGNORECASE)
_EXTENSIONS = "|".join(r.extension for r in REPRESENTATIONS)
_CONTENT_TYPES = {ext: f"{media}; charset=utf-8" if utf8 else media for ext, media, utf8 in TYPES}
_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "Link, Vary"}
_NOT_IN_DATA = "404 Not Found: this IRI is not in the data\n"


def site_root(site: Path) -> str:
    """The root IRI `site` was published for, from its `robots.txt`; InputError (one line)
    when the folder is not a site `publish` wrote."""
    robots = site / "robots.txt"
    if not (site / "index.html").is_file() or not robots.is_file():
        raise InputError(
            f"{site}: not a published site (no index.html and robots.txt); "
            "write one with `learningcity publish DATA --out DIR`"
        )
    for line in robots.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("Sitemap: ") and line.endswith("sitemap.xml"):
            return line[len("Sitemap: ") : -len("sitemap.xml")]
    raise InputError(f"{robots}: no 'Sitemap:' line; publish the site again")


def accepted(accept: str | None) -> str:
    """The extension the hosts serve for `Accept` ("" when nothing offered fits: 406)."""
    if not accept:
        return "html"
    return _rdf_extension(accept) or ("html" if _HTML.search(accept) else "")


def accepted_rdf(accept: str | None) -> str:
    """The RDF extension for `/.well-known/void` (Turtle unless asked otherwise)."""
    if not accept:
        return "ttl"
    return _rdf_extension(accept) or ("ttl" if _ANY_RDF.search(accept) else "")


def _rdf_extension(accept: str) -> str:
    """The extension of the first RDF media type of the hosts' list that `accept` names, as
    their configuration tests them in order (a substring, not a parsed q-value)."""
    lowered = accept.lower()
    return next((extension for media_type, extension in _RDF_TYPES if media_type in lowered), "")


def language_suffix(accept_language: str | None) -> str:
    """`.ko` when the first language asked for is a second language of the site, else ""."""
    first = (accept_language or "").lstrip().lower()
    return next((f".{code}" for code in SECOND_LANGUAGES if first.startswith(code)), "")


def preview_app(site: Path) -> Starlette:
    """The application serving the published folder `site` as its hosts would."""
    folder = site.resolve()
    prefix = urlsplit(site_root(site)).path or "/"

    def file_of(path: str) -> Path | None:
        """The file at URL path `path` (under the prefix), if it is one inside the site."""
        if not path.startswith(prefix) or "\0" in path:
            return None
        parts = path[len(prefix) :].split("/")
        if any(part in (".", "..") for part in parts):
            return None
        candidate = folder.joinpath(*parts)
        return candidate if candidate.is_file() else None

    def send(file: Path, headers: dict[str, str]) -> Response:
        extension = file.name.rsplit(".", 1)[-1] if "." in file.name else ""
        media_type = _CONTENT_TYPES.get(extension, "application/octet-stream")
        return FileResponse(file, media_type=media_type, headers={**_CORS, **headers})

    def text(status: int, body: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
        return PlainTextResponse(body, status_code=status, headers={**_CORS, **dict(headers)})

    def see_other(location: str, headers: dict[str, str]) -> Response:
        return RedirectResponse(reference(location), 303, {**_CORS, **headers})

    thing_with_extension = re.compile(rf"^{re.escape(prefix)}id/(.+)\.({_EXTENSIONS})$")
    thing = re.compile(rf"^{re.escape(prefix)}id/(.+)$")

    async def answer(request: Request) -> Response:
        path = request.url.path
        accept = request.headers.get("accept")
        if not path.startswith(prefix):
            if path == "/":
                return RedirectResponse(prefix, 302)
            return text(404, "404 Not Found\n")
        if path == prefix + ".well-known/void":
            extension = accepted_rdf(accept)
            if not extension:
                body = "406 Not Acceptable: the description is offered as RDF only\n"
                return text(406, body, [("Vary", "Accept")])
            file = file_of(f"{path}.{extension}")
            if file is None:
                return text(404, "404 Not Found\n", [("Vary", "Accept")])
            location = reference(f"{path}.{extension}")
            return send(file, {"Vary": "Accept", "Content-Location": location})
        if path == prefix:
            language = language_suffix(request.headers.get("accept-language"))
            file = file_of(f"{prefix}index{language}.html")
            if file is None:
                return text(404, "404 Not Found\n", [("Vary", "Accept-Language")])
            return send(file, {"Vary": "Accept-Language"})
        match = thing_with_extension.match(path)
        if match:
            document = f"{prefix}doc/{match[1]}.{match[2]}"
            if file_of(document) is None:
                return text(404, _NOT_IN_DATA)
            return see_other(document, {})
        match = thing.match(path)
        if match:
            vary = {"Vary": "Accept"}
            if file_of(f"{prefix}doc/{match[1]}.html") is None:
                return text(404, _NOT_IN_DATA, vary.items())
            extension = accepted(accept)
            if not extension:
                return text(406, NOT_ACCEPTABLE + "\n", vary.items())
            suffix = "" if extension == "html" else f".{extension}"
            return see_other(f"{prefix}doc/{match[1]}{suffix}", vary)
        file = file_of(path)
        if file is not None:
            return send(file, {})
        return negotiated(request, path, accept)

    def negotiated(request: Request, path: str, accept: str | None) -> Response:
        """An extension-less document (or a folder's index): the file for `Accept` and
        `Accept-Language`, as nginx's `@learningcity_negotiate`."""
        headers = {
            "Vary": "Accept, Accept-Language",
            "Link": ", ".join(
                f'<{reference(path)}.{r.extension}>; rel="alternate"; type="{r.media_type}"'
                for r in REPRESENTATIONS
            ),
        }
        extension = accepted(accept)
        if not extension:
            return text(406, NOT_ACCEPTABLE + "\n", headers.items())
        if extension == "html":
            language = language_suffix(request.headers.get("accept-language"))
            suffix = f"{language}.html"
            headers["Content-Language"] = language[1:] or LANGUAGES[0]
        else:
            suffix = f".{extension}"
        index = f"{path}index" if path.endswith("/") else f"{path}/index"
        for candidate in (f"{path}{suffix}", f"{index}{suffix}"):
            file = file_of(candidate)
            if file is not None:
                return send(file, {**headers, "Content-Location": reference(candidate)})
        return text(404, "404 Not Found\n", headers.items())

    methods = ["GET", "HEAD"]
    routes = [Route("/{path:path}", answer, methods=methods)]
    return Starlette(routes=routes, middleware=[Middleware(ControlCharacterGuard)])
