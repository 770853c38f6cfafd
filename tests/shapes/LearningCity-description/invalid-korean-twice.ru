INSERT DATA { city:kr-yongsan-gu schema:description "첫째 한국어 값"@ko , "둘째 한국어 값"@ko }
