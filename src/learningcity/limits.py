"""Limits on what the project reads, shared by the parsers' guards (`load`) and the JSON-LD
writer and reader (`jsonld`), so that what one module accepts the other can handle; and the
SPARQL endpoint's default limits, the one place `serve`'s options and `server.Limits` take
them from."""

from __future__ import annotations

#: Deepest nesting of brackets (Turtle, TriG, N3, JSON-LD) or elements (RDF/XML) read. Oxigraph's
#: parsers recurse per level and overflow the stack (the process dies with SIGSEGV) at about
#: 20,000 levels; no real data comes near this limit.
MAX_NESTING = 1000

#: Seconds a query may run before its worker is killed (503): `serve --timeout`.
QUERY_TIMEOUT_S = 10.0
#: Query worker processes per serving process: `serve --workers`. A keep-alive connection that
#: sends query after query is lent to one (`server.lease`), so this many such clients are served
#: without a serving process on their path; a client more makes the pool recall a lease for it.
#: Two had a 4-connection client of 2 serving processes recall leases whenever its connections
#: landed 3 and 1 (or 4 and 0) on them: a distinct CONSTRUCT 3,011 req/s against 6,238-7,713
#: with four (1,000 cities, wrk, on 2 cores).
QUERY_WORKERS = 4
#: Rows (or triples) of an answer before it is cut: `serve --max-rows`.
MAX_ROWS = 10_000
#: MiB a query worker may add to the memory it shares with its serving process: `serve
#: --memory-limit` (0: no cap).
WORKER_MEMORY_MIB = 1024
