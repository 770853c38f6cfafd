DELETE DATA { interval:kr-yongsan-gu.mayor-hee-young-park-start time:inXSDgYearMonth "2022-07"^^xsd:gYearMonth } ;
INSERT DATA { interval:kr-yongsan-gu.mayor-hee-young-park-start time:inXSDgYearMonth "2022-07-01"^^xsd:date }
