INSERT DATA { lcpa:equity-and-inclusion skos:scopeNote "첫째 한국어 값"@ko , "둘째 한국어 값"@ko }
