INSERT DATA { note:kr-yongsan-gu.coordinates skos:note "첫째 한국어 값"@ko , "둘째 한국어 값"@ko }
