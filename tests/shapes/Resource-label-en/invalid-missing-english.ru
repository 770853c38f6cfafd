DELETE { post:kr-yongsan-gu.mayor rdfs:label ?v } WHERE { post:kr-yongsan-gu.mayor rdfs:label ?v FILTER(langMatches(lang(?v), "en")) }
