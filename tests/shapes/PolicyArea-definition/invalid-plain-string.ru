INSERT DATA { lcpa:equity-and-inclusion skos:definition "untagged text" }
