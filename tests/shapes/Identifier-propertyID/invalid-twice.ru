INSERT DATA { identifier:kr-yongsan-gu.geonames schema:propertyID "other" }
