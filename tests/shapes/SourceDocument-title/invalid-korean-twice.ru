INSERT DATA { <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> dcterms:title "첫째 한국어 값"@ko , "둘째 한국어 값"@ko }
