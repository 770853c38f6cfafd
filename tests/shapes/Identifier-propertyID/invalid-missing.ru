DELETE WHERE { identifier:kr-yongsan-gu.geonames schema:propertyID ?v }
