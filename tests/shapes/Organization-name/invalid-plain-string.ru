INSERT DATA { organization:gnlc schema:name "untagged text" }
