DELETE { organization:gnlc schema:name ?v } WHERE { organization:gnlc schema:name ?v FILTER(langMatches(lang(?v), "en")) }
