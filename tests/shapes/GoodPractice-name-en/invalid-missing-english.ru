DELETE { practice:kr-yongsan-gu.talent-sharing-project schema:name ?v } WHERE { practice:kr-yongsan-gu.talent-sharing-project schema:name ?v FILTER(langMatches(lang(?v), "en")) }
