DELETE WHERE { observation:kr-yongsan-gu.population skos:note ?n }
