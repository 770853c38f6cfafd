DELETE { note:kr-yongsan-gu.coordinates skos:note ?v } WHERE { note:kr-yongsan-gu.coordinates skos:note ?v FILTER(langMatches(lang(?v), "en")) }
