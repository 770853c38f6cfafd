INSERT DATA { organization:gnlc schema:name "texte en français"@fr }
