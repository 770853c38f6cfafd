INSERT DATA { post:kr-yongsan-gu.mayor rdfs:label "첫째 한국어 값"@ko , "둘째 한국어 값"@ko }
