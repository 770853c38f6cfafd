INSERT DATA { lcpa:equity-and-inclusion skos:prefLabel "A second English value"@en }
