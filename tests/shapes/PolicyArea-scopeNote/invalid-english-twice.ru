INSERT DATA { lcpa:equity-and-inclusion skos:scopeNote "A second English value"@en }
