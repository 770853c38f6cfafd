DELETE WHERE { city:kr-yongsan-gu dcterms:source ?s }
