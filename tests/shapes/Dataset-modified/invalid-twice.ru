INSERT DATA { dataset:kr-yongsan-gu dcterms:modified "2026-11-26"^^xsd:date }
