INSERT DATA { dataset:kr-yongsan-gu dcterms:rights "texte en français"@fr }
