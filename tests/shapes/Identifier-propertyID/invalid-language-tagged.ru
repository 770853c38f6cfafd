DELETE WHERE { identifier:kr-yongsan-gu.geonames schema:propertyID ?v } ;
INSERT DATA { identifier:kr-yongsan-gu.geonames schema:propertyID "GeoNames ID"@en }
