INSERT DATA { lcpa:equity-and-inclusion skos:scopeNote "texte en français"@fr }
