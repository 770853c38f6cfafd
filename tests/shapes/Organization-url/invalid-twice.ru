INSERT DATA { organization:gnlc schema:url <https://www.uil.unesco.org/> }
