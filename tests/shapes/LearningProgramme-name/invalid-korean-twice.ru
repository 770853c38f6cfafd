INSERT DATA { programme:kr-yongsan-gu.yongsan-leaders-academy schema:name "첫째 한국어 값"@ko , "둘째 한국어 값"@ko }
