DELETE DATA { observation:kr-yongsan-gu.population lc:population 229770 } ;
INSERT DATA { observation:kr-yongsan-gu.population lc:population -229770 }
