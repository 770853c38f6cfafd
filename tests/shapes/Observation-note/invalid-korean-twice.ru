INSERT DATA { observation:kr-yongsan-gu.population skos:note "첫째 한국어 값"@ko , "둘째 한국어 값"@ko }
