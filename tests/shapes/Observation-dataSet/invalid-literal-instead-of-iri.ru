DELETE DATA { observation:kr-yongsan-gu.population qb:dataSet dataset:kr-yongsan-gu } ;
INSERT DATA { observation:kr-yongsan-gu.population qb:dataSet "Yongsan-gu dataset" }
