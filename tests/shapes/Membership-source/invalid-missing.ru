DELETE WHERE { membership:kr-yongsan-gu.gnlc dcterms:source ?s }
