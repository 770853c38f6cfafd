INSERT DATA { dataset:kr-yongsan-gu dcterms:issued "2026-11-20"^^xsd:date }
