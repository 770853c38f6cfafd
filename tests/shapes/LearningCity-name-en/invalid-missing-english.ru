DELETE { city:kr-yongsan-gu schema:name ?v } WHERE { city:kr-yongsan-gu schema:name ?v FILTER(langMatches(lang(?v), "en")) }
