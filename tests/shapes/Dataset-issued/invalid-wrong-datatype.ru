DELETE WHERE { dataset:kr-yongsan-gu dcterms:issued ?d } ;
INSERT DATA { dataset:kr-yongsan-gu dcterms:issued "2026-11-25T10:00:00Z"^^xsd:dateTime }
