"""What a resource looks like to people and programs, shared by `serve` and `publish`: the IRI
scheme, labels in English and Korean, HTML pages, RDF representations, descriptions and VoID.

Why a package of its own: a static publish must not load a web framework or the query-worker
pool, so nothing here imports starlette, uvicorn or `learningcity.server`; the server is one
consumer of this package, the static site another."""
