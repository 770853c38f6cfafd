INSERT DATA { <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> dcterms:title "texte en français"@fr }
