INSERT DATA { lcpa:equity-and-inclusion skos:prefLabel "untagged text" }
