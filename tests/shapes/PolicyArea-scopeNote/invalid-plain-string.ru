INSERT DATA { lcpa:equity-and-inclusion skos:scopeNote "untagged text" }
