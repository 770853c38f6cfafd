DELETE WHERE { observation:kr-yongsan-gu.population lc:population ?n }
