DELETE WHERE { city:kr-yongsan-gu schema:sameAs ?v }
