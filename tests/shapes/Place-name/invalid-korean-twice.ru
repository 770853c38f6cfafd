INSERT DATA { place:kr-seoul schema:name "첫째 한국어 값"@ko , "둘째 한국어 값"@ko }
