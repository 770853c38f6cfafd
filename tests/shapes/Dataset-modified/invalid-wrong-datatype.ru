DELETE WHERE { dataset:kr-yongsan-gu dcterms:modified ?d } ;
INSERT DATA { dataset:kr-yongsan-gu dcterms:modified "25 November 2026" }
