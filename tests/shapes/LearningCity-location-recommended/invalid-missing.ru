DELETE WHERE { city:kr-yongsan-gu pos:location ?v }
