DELETE { statement:kr-yongsan-gu.equity-and-inclusion schema:text ?v } WHERE { statement:kr-yongsan-gu.equity-and-inclusion schema:text ?v FILTER(langMatches(lang(?v), "en")) }
