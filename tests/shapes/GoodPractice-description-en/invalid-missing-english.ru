DELETE { practice:kr-yongsan-gu.talent-sharing-project schema:description ?v } WHERE { practice:kr-yongsan-gu.talent-sharing-project schema:description ?v FILTER(langMatches(lang(?v), "en")) }
