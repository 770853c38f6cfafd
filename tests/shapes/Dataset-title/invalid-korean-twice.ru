INSERT DATA { dataset:kr-yongsan-gu dcterms:title "첫째 한국어 값"@ko , "둘째 한국어 값"@ko }
