INSERT DATA { lcpa:equity-and-inclusion skos:definition "texte en français"@fr }
