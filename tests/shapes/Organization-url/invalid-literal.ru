DELETE WHERE { organization:gnlc schema:url ?u } ;
INSERT DATA { organization:gnlc schema:url "https://www.uil.unesco.org/en/learning-cities" }
