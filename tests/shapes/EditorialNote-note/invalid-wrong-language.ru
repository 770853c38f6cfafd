INSERT DATA { note:kr-yongsan-gu.coordinates skos:note "texte en français"@fr }
