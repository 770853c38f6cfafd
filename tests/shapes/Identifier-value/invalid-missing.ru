DELETE WHERE { identifier:kr-yongsan-gu.geonames schema:value ?v }
