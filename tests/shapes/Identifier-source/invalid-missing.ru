DELETE WHERE { identifier:kr-yongsan-gu.geonames dcterms:source ?s }
