INSERT DATA { lcpa:equity-and-inclusion skos:inScheme <http://metadata.un.org/sdg> }
