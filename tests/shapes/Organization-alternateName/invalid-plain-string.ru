INSERT DATA { organization:gnlc schema:alternateName "GNLC" }
