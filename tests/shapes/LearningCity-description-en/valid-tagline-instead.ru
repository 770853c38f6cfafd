DELETE { city:kr-yongsan-gu schema:description ?v } WHERE { city:kr-yongsan-gu schema:description ?v FILTER(langMatches(lang(?v), "en")) } ;
INSERT DATA { city:kr-yongsan-gu schema:slogan "A district that learns together."@en }
