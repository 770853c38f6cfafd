DELETE WHERE { observation:kr-yongsan-gu.population ?p ?o }
