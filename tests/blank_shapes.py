"""Shapes of blank nodes, as N-Triples, for the canonical-labelling bound (`blanknodes`).

Poisoned shapes are blank nodes that only their links to one another tell apart: RDFC-1.0's work
on them grows as a cube (chains, rings, lists of one repeated item) or as factorials (look-alike
neighbours: cliques, twin stars). Ordinary shapes carry values or hang off distinct IRIs.
"""

from __future__ import annotations

P = "<http://e/p>"
Q = "<http://e/q>"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def chain(n: int, tag: str = "b") -> str:
    return "".join(f"_:{tag}{i} {P} _:{tag}{i + 1} .\n" for i in range(n - 1))


def ring(n: int, tag: str = "r") -> str:
    return "".join(f"_:{tag}{i} {P} _:{tag}{(i + 1) % n} .\n" for i in range(n))


def rdf_list(items: list[str], tag: str = "l") -> str:
    """<http://e/s> p ( items ): an RDF list, its cells blank nodes."""
    lines = [f"<http://e/s> {P} _:{tag}0 .\n"]
    for i, item in enumerate(items):
        rest = f"_:{tag}{i + 1}" if i < len(items) - 1 else f"<{RDF}nil>"
        lines.append(f"_:{tag}{i} <{RDF}first> {item} .\n_:{tag}{i} <{RDF}rest> {rest} .\n")
    return "".join(lines)


def clique(k: int, tag: str = "c") -> str:
    return "".join(f"_:{tag}{i} {P} _:{tag}{j} .\n" for i in range(k) for j in range(k) if i != j)


def grid(side: int, tag: str = "g") -> str:
    lines = []
    for i in range(side):
        for j in range(side):
            if j + 1 < side:
                lines.append(f"_:{tag}{i}x{j} {P} _:{tag}{i}x{j + 1} .\n")
            if i + 1 < side:
                lines.append(f"_:{tag}{i}x{j} {Q} _:{tag}{i + 1}x{j} .\n")
    return "".join(lines)


def twin_stars(leaves: int, tag: str = "s") -> str:
    """Two blank nodes alike, each with `leaves` empty blank nodes: orders of look-alikes."""
    return "".join(f"_:{tag}{c} {P} _:{tag}{c}l{i} .\n" for c in (0, 1) for i in range(leaves))


def hidden_chain(n: int, tag: str = "h") -> str:
    """A chain whose first node is told apart (an IRI and a value of its own), the rest not."""
    return f'<http://e/s> {P} _:{tag}0 .\n_:{tag}0 {Q} "head" .\n' + chain(n, tag)


def many(count: int, shape: str) -> str:
    """`count` copies of a shape, each with blank nodes of its own."""
    return "".join(shape.replace("_:", f"_:m{c}_") for c in range(count))


def hanging(n: int) -> str:
    """`n` identical blank nodes, each the value of a distinct IRI."""
    return "".join(f'<http://e/x{i}> {P} _:a{i} .\n_:a{i} {Q} "same" .\n' for i in range(n))


def pairs(n: int) -> str:
    return "".join(f"_:p{i} {P} _:q{i} .\n" for i in range(n))


#: Refused whatever the machine: each costs Oxigraph from 10 s to days.
POISONED = {
    "chain-300": chain(300),
    "ring-300": ring(300),
    "list-of-300-same-items": rdf_list(['"x"'] * 300),
    "clique-24": clique(24),
    "grid-20x20": grid(20),
    "twin-stars-of-10": twin_stars(10),
    "chain-behind-a-unique-node": hidden_chain(300),
    "1000-chains-of-20": many(1000, chain(20)),
}

#: Never refused, however large: blank nodes told apart by their own statements, or in small
#: groups (the worst just under the limit canonicalize in under 1 s here).
ORDINARY = {
    "2000-alike-under-distinct-iris": hanging(2000),
    "list-of-1000-distinct-items": rdf_list([f'"item {i}"' for i in range(1000)]),
    "5000-identical-pairs": pairs(5000),
    "1000-identical-sequence-paths": many(1000, rdf_list(["<http://e/a>", "<http://e/b>"])),
    "chain-100": chain(100),
    "600-chains-of-10": many(600, chain(10)),
}
