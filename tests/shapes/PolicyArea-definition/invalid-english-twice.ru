INSERT DATA { lcpa:equity-and-inclusion skos:definition "A second English value"@en }
