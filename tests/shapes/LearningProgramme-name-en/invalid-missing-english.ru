DELETE { programme:kr-yongsan-gu.yongsan-leaders-academy schema:name ?v } WHERE { programme:kr-yongsan-gu.yongsan-leaders-academy schema:name ?v FILTER(langMatches(lang(?v), "en")) }
