INSERT DATA { observation:kr-yongsan-gu.population lc:population 229771 }
