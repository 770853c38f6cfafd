INSERT DATA { identifier:kr-yongsan-gu.geonames schema:value "other" }
