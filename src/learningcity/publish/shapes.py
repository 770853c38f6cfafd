"""The shapes explained in plain words: what each requires, with what severity, and its messages.

Sentences are built from the constraint components the shapes use (SHACL core and SHACL-SPARQL),
in English and Korean; a component without a sentence is named as it is, so nothing is hidden.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pyoxigraph as ox

from learningcity.namespaces import STANDARD_PREFIXES
from learningcity.publish.vocabulary import anchor
from learningcity.rendering.labels import Text
from learningcity.rendering.pages import PageRenderer
from learningcity.terms import RDF_TYPE

_S = STANDARD_PREFIXES
SH, RDF = _S["sh"], _S["rdf"]
SEVERITIES = {
    SH + "Violation": ("violation (blocks publishing)", "위반 (게시 차단)"),
    SH + "Warning": ("warning", "경고"),
    SH + "Info": ("information", "정보"),
}
TARGETS = {
    SH + "targetClass": ("every instance of {}", "{}의 모든 인스턴스"),
    SH + "targetNode": ("the resource {}", "자원 {}"),
    SH + "targetSubjectsOf": ("every subject of {}", "{}의 모든 주어"),
    SH + "targetObjectsOf": ("every object of {}", "{}의 모든 목적어"),
}
#: constraint parameter -> (English, Korean) sentence with `{}` for its value.
SENTENCES: dict[str, tuple[str, str]] = {
    "minCount": ("at least {} value(s)", "값이 {}개 이상"),
    "maxCount": ("at most {} value(s)", "값이 {}개 이하"),
    "datatype": ("each value is a literal of type {}", "각 값은 {} 유형의 리터럴"),
    "class": ("each value is an instance of {}", "각 값은 {}의 인스턴스"),
    "nodeKind": ("each value is a {}", "각 값의 노드 종류는 {}"),
    "pattern": ("each value matches the pattern {}", "각 값은 패턴 {}에 맞음"),
    "flags": ("(pattern flags {})", "(패턴 플래그 {})"),
    "in": ("each value is one of {}", "각 값은 {} 중 하나"),
    "hasValue": ("one value is {}", "값 중 하나는 {}"),
    "minInclusive": ("each value is at least {}", "각 값은 {} 이상"),
    "maxInclusive": ("each value is at most {}", "각 값은 {} 이하"),
    "minExclusive": ("each value is greater than {}", "각 값은 {}보다 큼"),
    "maxExclusive": ("each value is less than {}", "각 값은 {}보다 작음"),
    "minLength": ("each value has at least {} characters", "각 값은 {}자 이상"),
    "maxLength": ("each value has at most {} characters", "각 값은 {}자 이하"),
    "languageIn": ("each value is in one of the languages {}", "각 값의 언어는 {} 중 하나"),
    "uniqueLang": ("no two values share a language ({})", "같은 언어의 값이 둘 이상 없음 ({})"),
    "node": ("each value conforms to {}", "각 값은 {}에 부합"),
    "qualifiedValueShape": ("counting the values that conform to {}", "{}에 부합하는 값의 수:"),
    "qualifiedMinCount": ("at least {} of them", "{}개 이상"),
    "qualifiedMaxCount": ("at most {} of them", "{}개 이하"),
    "or": ("each value conforms to at least one of {}", "각 값은 {} 중 하나 이상에 부합"),
    "and": ("each value conforms to all of {}", "각 값은 {} 모두에 부합"),
    "xone": ("each value conforms to exactly one of {}", "각 값은 {} 중 정확히 하나에 부합"),
    "not": ("no value conforms to {}", "어떤 값도 {}에 부합하지 않음"),
    "closed": ("no properties other than those listed ({})", "나열된 속성 외에는 없음 ({})"),
    "ignoredProperties": ("apart from {}", "{} 제외"),
    "equals": ("the values equal those of {}", "값이 {}의 값과 같음"),
    "disjoint": ("no value is also a value of {}", "어떤 값도 {}의 값이 아님"),
    "lessThan": ("each value is less than the values of {}", "각 값은 {}의 값보다 작음"),
}
SKIPPED = {"path", "message", "severity", "property", "sparql", "name", "description", "order"}


@dataclass(frozen=True)
class Rule:
    """One constraint in plain words, in each language."""

    text: dict[str, str]


@dataclass(frozen=True)
class ShapeDoc:
    iri: str
    anchor: str
    name: str
    kind: str  # "node" or "property"
    path: str | None
    targets: dict[str, list[str]]
    severity: dict[str, str]
    rules: list[Rule]
    properties: list[tuple[str, str]]  # (anchor, name) of its property shapes
    sparql: list[tuple[list[Text], str]]  # (messages, query) of SPARQL constraints
    messages: list[Text]


class ShapeReader:
    def __init__(self, renderer: PageRenderer, shapes: ox.Dataset) -> None:
        self.renderer = renderer
        self.shapes = shapes

    def objects(self, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> list:
        wanted = ox.NamedNode(predicate)
        return sorted(
            {q.object for q in self.shapes.quads_for_subject(subject) if q.predicate == wanted},
            key=str,
        )

    def items(self, head: ox.NamedNode | ox.BlankNode) -> list:
        """An RDF list's members."""
        members: list = []
        current: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None = head
        while isinstance(current, ox.BlankNode):
            members += self.objects(current, RDF + "first")
            rest = self.objects(current, RDF + "rest")
            current = rest[0] if rest else None
        return members

    def show(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
        """A term as a reader sees it in a sentence."""
        if isinstance(term, ox.Literal):
            return f'"{term.value}"' if term.datatype.value.endswith("#string") else term.value
        if isinstance(term, ox.NamedNode):
            return self.renderer.labels.short(term)
        if isinstance(term, ox.Triple):  # no shape holds one; written as N-Triples would
            return str(term)
        listed = self.items(term)
        if listed or self.objects(term, RDF + "first"):
            return "(" + ", ".join(self.show(t) for t in listed) + ")"
        return self.inline(term)

    def inline(self, node: ox.BlankNode) -> str:
        """An anonymous shape or path, written out: its constraints, or the path it names."""
        for kind in ("alternativePath", "inversePath", "zeroOrMorePath", "oneOrMorePath"):
            values = self.objects(node, SH + kind)
            if values:
                return f"{kind}{self.show(values[0])}"
        rules = self.rules(node, "en")
        return "[" + "; ".join(rules) + "]" if rules else "[]"

    def messages(self, node: ox.NamedNode | ox.BlankNode) -> list[Text]:
        literals = [m for m in self.objects(node, SH + "message") if isinstance(m, ox.Literal)]
        order = {"en": 0, "ko": 1}
        literals.sort(key=lambda m: (order.get(m.language or "", 2), m.value))
        return [Text(m.value, m.language) for m in literals]

    def rules(self, node: ox.NamedNode | ox.BlankNode, language: str) -> list[str]:
        index = 0 if language == "en" else 1
        rules = []
        for quad in sorted(self.shapes.quads_for_subject(node), key=str):
            predicate = quad.predicate.value
            if not predicate.startswith(SH):
                continue
            name = predicate[len(SH) :]
            if name in SKIPPED or predicate in TARGETS or quad.predicate == RDF_TYPE:
                continue
            sentence = SENTENCES.get(name, (f"sh:{name} {{}}", f"sh:{name} {{}}"))[index]
            rules.append(sentence.format(self.show(quad.object)))
        return rules

    def severity(self, node: ox.NamedNode | ox.BlankNode) -> dict[str, str]:
        given = self.objects(node, SH + "severity")
        key = given[0].value if given else SH + "Violation"
        en, ko = SEVERITIES.get(key, (key, key))
        return {"en": en, "ko": ko}

    def shape(self, node: ox.NamedNode) -> ShapeDoc:
        path = self.objects(node, SH + "path")
        kind = "property" if path else "node"
        targets = {
            language: [
                TARGETS[t][index].format(self.show(value))
                for t in TARGETS
                for value in self.objects(node, t)
            ]
            for index, language in enumerate(("en", "ko"))
        }
        properties = [
            (anchor(p.value), self.show(p))
            for p in self.objects(node, SH + "property")
            if isinstance(p, ox.NamedNode)
        ]
        inline = [p for p in self.objects(node, SH + "property") if isinstance(p, ox.BlankNode)]
        rules = [Rule({"en": en, "ko": ko}) for en, ko in self._pairs(node)]
        rules += [Rule({"en": self.inline(p), "ko": self.inline(p)}) for p in inline]
        return ShapeDoc(
            iri=node.value,
            anchor=anchor(node.value),
            name=self.renderer.labels.short(node),
            kind=kind,
            path=self.show(path[0]) if path else None,
            targets=targets,
            severity=self.severity(node),
            rules=rules,
            properties=properties,
            sparql=self._sparql(node),
            messages=self.messages(node),
        )

    def _pairs(self, node: ox.NamedNode | ox.BlankNode) -> list[tuple[str, str]]:
        return list(zip(self.rules(node, "en"), self.rules(node, "ko"), strict=True))

    def _sparql(self, node: ox.NamedNode | ox.BlankNode) -> list[tuple[list[Text], str]]:
        found = []
        for constraint in self.objects(node, SH + "sparql"):
            select = self.objects(constraint, SH + "select")
            text = select[0].value.strip() if select else ""
            found.append((self.messages(constraint), _dedent(text)))
        return found


def _dedent(text: str) -> str:
    return textwrap.dedent("\n" + text).strip()


def shape_docs(renderer: PageRenderer, shapes: ox.Dataset) -> list[ShapeDoc]:
    """Every named node shape and property shape, node shapes first, each sorted by name."""
    reader = ShapeReader(renderer, shapes)
    kinds: dict[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, int] = {
        ox.NamedNode(SH + "NodeShape"): 0,
        ox.NamedNode(SH + "PropertyShape"): 1,
    }
    named = {
        q.subject: kinds[q.object]
        for q in shapes.quads_for_predicate(RDF_TYPE)
        if q.object in kinds and isinstance(q.subject, ox.NamedNode)
    }
    ordered = sorted(named, key=lambda n: (named[n], n.value))
    return [reader.shape(node) for node in ordered]
