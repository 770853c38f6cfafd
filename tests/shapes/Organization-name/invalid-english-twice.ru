INSERT DATA { organization:gnlc schema:name "A second English value"@en }
