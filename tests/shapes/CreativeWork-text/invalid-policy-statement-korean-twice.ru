INSERT DATA { statement:kr-yongsan-gu.equity-and-inclusion schema:text "첫째 한국어 값"@ko , "둘째 한국어 값"@ko }
