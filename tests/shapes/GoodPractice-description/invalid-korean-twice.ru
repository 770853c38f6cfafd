INSERT DATA { practice:kr-yongsan-gu.talent-sharing-project schema:description "첫째 한국어 값"@ko , "둘째 한국어 값"@ko }
