DELETE WHERE { city:kr-yongsan-gu schema:containedInPlace ?v }
