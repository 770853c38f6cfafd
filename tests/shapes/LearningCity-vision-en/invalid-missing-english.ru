DELETE { city:kr-yongsan-gu lc:vision ?v } WHERE { city:kr-yongsan-gu lc:vision ?v FILTER(langMatches(lang(?v), "en")) }
