DELETE WHERE { post:kr-yongsan-gu.mayor dcterms:source ?s }
