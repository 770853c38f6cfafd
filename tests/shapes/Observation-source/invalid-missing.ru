DELETE WHERE { observation:kr-yongsan-gu.population dcterms:source ?s }
