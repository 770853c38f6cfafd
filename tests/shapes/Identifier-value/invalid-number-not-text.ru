DELETE WHERE { identifier:kr-yongsan-gu.geonames schema:value ?v } ;
INSERT DATA { identifier:kr-yongsan-gu.geonames schema:value 1832311 }
