DELETE WHERE { observation:kr-yongsan-gu.population qb:dataSet ?v }
