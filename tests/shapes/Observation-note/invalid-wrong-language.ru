INSERT DATA { observation:kr-yongsan-gu.population skos:note "texte en français"@fr }
