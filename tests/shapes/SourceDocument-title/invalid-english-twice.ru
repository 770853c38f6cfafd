INSERT DATA { <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> dcterms:title "A second English value"@en }
