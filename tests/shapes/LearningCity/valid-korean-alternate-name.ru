INSERT DATA { city:kr-yongsan-gu schema:alternateName "용산"@ko }
