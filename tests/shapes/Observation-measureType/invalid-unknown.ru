INSERT DATA { observation:kr-yongsan-gu.population qb:measureType sdmxmeasure:obsValue ; sdmxmeasure:obsValue 229770 }
