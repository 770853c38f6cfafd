DELETE { city:kr-yongsan-gu schema:description ?v } WHERE { city:kr-yongsan-gu schema:description ?v FILTER(langMatches(lang(?v), "en")) }
