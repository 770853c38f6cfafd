INSERT DATA { city:kr-yongsan-gu schema:description "texte en français"@fr }
