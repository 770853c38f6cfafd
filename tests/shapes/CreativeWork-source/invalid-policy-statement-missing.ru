DELETE WHERE { statement:kr-yongsan-gu.equity-and-inclusion dcterms:source ?s }
