INSERT DATA { dataset:kr-yongsan-gu dcterms:title "texte en français"@fr }
