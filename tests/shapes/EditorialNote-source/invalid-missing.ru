DELETE WHERE { note:kr-yongsan-gu.coordinates dcterms:source ?s }
