INSERT DATA { dataset:kr-yongsan-gu dcterms:description "texte en français"@fr }
