"""The linked-data server: `create_app(dataset)` gives the ASGI application `learningcity serve`
runs with uvicorn (dereferenceable IRIs, content negotiation, SPARQL, bilingual HTML)."""

from learningcity.server.app import Limits, create_app

__all__ = ["Limits", "create_app"]
