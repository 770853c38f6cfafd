DELETE { lcpa:equity-and-inclusion skos:scopeNote ?v } WHERE { lcpa:equity-and-inclusion skos:scopeNote ?v FILTER(langMatches(lang(?v), "en")) }
