INSERT DATA { place:kr-seoul schema:name "texte en français"@fr }
