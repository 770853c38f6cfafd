DELETE WHERE { place:kr-yongsan-gu.label-point dcterms:source ?s }
