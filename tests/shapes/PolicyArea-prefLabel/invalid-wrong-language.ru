INSERT DATA { lcpa:equity-and-inclusion skos:prefLabel "texte en français"@fr }
