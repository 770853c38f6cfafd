"""Mutated inputs through the real command, in a process of their own (a parser crash such as a
stack overflow kills this process, not pytest): `python harness.py SUITE COUNT SEED`.

Prints one JSON object: how many inputs ran, the exit codes seen, and every failure (an exit
code other than 0, 1 or 2, a traceback, an exception escaping `main()`, a refusal that is not
one line) with the mutated input in hex, so any failure can be replayed by hand.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import traceback
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from conformance.w3c import SUITES_DIR, run_main
from learningcity.errors import InputError
from learningcity.query import inspect_query, run_query, store_for, write_result
from support import shared

REPO = Path(__file__).resolve().parents[2]
#: suite -> (folder of seed files, their extension)
SEEDS: dict[str, tuple[Path, str]] = {
    "turtle": (SUITES_DIR / "turtle", "ttl"),
    "ntriples": (SUITES_DIR / "ntriples", "nt"),
    "nquads": (SUITES_DIR / "nquads", "nq"),
    "trig": (SUITES_DIR / "trig", "trig"),
    "rdfxml": (SUITES_DIR / "rdfxml", "rdf"),
    "jsonld": (SUITES_DIR / "jsonld-toRdf" / "toRdf", "jsonld"),
    "sparql": (REPO / "queries", "rq"),
}
#: Bytes that matter to some syntax: delimiters, escapes, invalid UTF-8, a BOM, NUL.
TOKENS = [
    *(bytes([c]) for c in b"<>\"'{}[]()@^\\:;,.#_?$!&=/\n\r\t "),
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xef\xbb\xbf",
    b"\\u0000",
    b"\\U0010FFFF",
    b"\\uD800",
    b"@prefix",
    b"@base",
    b"<!ENTITY x SYSTEM 'file:///etc/passwd'>",
    b'<!DOCTYPE r [<!ENTITY a "&#38;&#38;">]>',
    b"&a;",
    b'rdf:parseType="Literal"',
    b"PREFIX",
    b'"@context"',
    b'"@id"',
    b"SELECT",
    b"SERVICE",
    b"INSERT DATA",
    b"(",
    b"[[[[[[[[",
    b"99999999999999999999",
    b"1e999",
    b"\xea\xb0\x80",
]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four random edits: flip, insert, delete, duplicate, truncate, splice a token."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        where = rng.randint(0, len(data))
        action = rng.randrange(6)
        if action == 0 and data:
            data[min(where, len(data) - 1)] ^= 1 << rng.randrange(8)
        elif action == 1:
            data[where:where] = rng.choice(TOKENS)
        elif action == 2:
            del data[where : where + rng.randint(1, 16)]
        elif action == 3:
            data[where:where] = data[max(0, where - 64) : where]
        elif action == 4:
            del data[where:]
        else:
            data[where:where] = rng.choice(TOKENS) * rng.randint(2, 50)
    return bytes(data)


def seeds(suite: str) -> list[bytes]:
    folder, extension = SEEDS[suite]
    return [
        p.read_bytes() for p in sorted(shared(folder).rglob(f"*.{extension}")) if p.stat().st_size
    ]


def through_command(data: bytes, extension: str, folder: Path) -> tuple[int, str]:
    """`learningcity export FILE --format nquads -o OUT`: (exit code, stderr)."""
    path = folder / f"input.{extension}"
    path.write_bytes(data)
    run = run_main("export", str(path), "--format", "nquads", "-o", str(folder / "out.nq"))
    return run.code, run.stderr


def through_query(data: bytes, store: ox.Store) -> tuple[int, str]:
    """`inspect_query` then `run_query`: 0 when answered, 2 when refused with an InputError."""
    text = data.decode("utf-8", errors="replace")
    try:
        inspect_query(text)
        write_result(run_query(store, text), "json")
    except InputError as error:
        message = f"learningcity: error: {error}\n"
        return 2, message
    return 0, ""


def failure(code: int, stderr: str) -> str | None:
    if code not in (0, 1, 2):
        return f"exit {code}"
    if "Traceback" in stderr:
        return "traceback"
    if code == 2 and (stderr.count("\n") != 1 or not stderr.startswith("learningcity: error: ")):
        return f"refusal not in one line: {stderr!r}"
    return None


def main(suite: str, count: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    corpus = seeds(suite)
    store = store_for(ox.Dataset(ox.parse(path=str(REPO / "data" / "yongsan.ttl"))))
    codes: Counter[int] = Counter()
    failures: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(count):
            data = mutate(rng.choice(corpus), rng)
            try:
                if suite == "sparql":
                    code, stderr = through_query(data, store)
                else:
                    code, stderr = through_command(data, SEEDS[suite][1], Path(folder))
            except BaseException:  # the point: nothing may escape the command's handler
                code, stderr = -1, traceback.format_exc()
            codes[code] += 1
            why = failure(code, stderr)
            if why:
                failures.append({"why": why, "input": data.hex(), "stderr": stderr[-2000:]})
    return {"ran": count, "codes": dict(codes), "failures": failures}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
