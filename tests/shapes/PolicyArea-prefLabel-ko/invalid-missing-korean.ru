DELETE { lcpa:equity-and-inclusion skos:prefLabel ?v } WHERE { lcpa:equity-and-inclusion skos:prefLabel ?v FILTER(langMatches(lang(?v), "ko")) }
