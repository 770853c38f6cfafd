INSERT DATA { observation:kr-yongsan-gu.population qb:measureType lc:cityArea }
