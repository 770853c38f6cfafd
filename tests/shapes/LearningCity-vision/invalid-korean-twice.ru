INSERT DATA { city:kr-yongsan-gu lc:vision "첫째 한국어 값"@ko , "둘째 한국어 값"@ko }
