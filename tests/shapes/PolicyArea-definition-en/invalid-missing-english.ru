DELETE { lcpa:equity-and-inclusion skos:definition ?v } WHERE { lcpa:equity-and-inclusion skos:definition ?v FILTER(langMatches(lang(?v), "en")) }
