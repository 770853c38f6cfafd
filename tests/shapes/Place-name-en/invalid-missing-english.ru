DELETE { place:kr-seoul schema:name ?v } WHERE { place:kr-seoul schema:name ?v FILTER(langMatches(lang(?v), "en")) }
