DELETE { dataset:kr-yongsan-gu dcterms:title ?v } WHERE { dataset:kr-yongsan-gu dcterms:title ?v FILTER(langMatches(lang(?v), "en")) }
