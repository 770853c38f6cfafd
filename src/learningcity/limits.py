"""Limits on what the project reads, shared by the parsers' guards (`load`) and the JSON-LD
writer and reader (`jsonld`), so that what one module accepts the other can handle."""

from __future__ import annotations

#: Deepest nesting of brackets (Turtle, TriG, N3, JSON-LD) or elements (RDF/XML) read. Oxigraph's
#: parsers recurse per level and overflow the stack (the process dies with SIGSEGV) at about
#: 20,000 levels; no real data comes near this limit.
MAX_NESTING = 1000
