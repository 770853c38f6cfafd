DELETE WHERE { dataset:kr-yongsan-gu dcterms:source ?s }
