DELETE WHERE { place:kr-yongsan-gu.label-point pos:long ?v }
