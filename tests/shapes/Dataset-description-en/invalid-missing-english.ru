DELETE { dataset:kr-yongsan-gu dcterms:description ?v } WHERE { dataset:kr-yongsan-gu dcterms:description ?v FILTER(langMatches(lang(?v), "en")) }
