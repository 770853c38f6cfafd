INSERT DATA { city:kr-yongsan-gu schema:name "texte en français"@fr }
