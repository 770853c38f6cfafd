DELETE WHERE { place:kr-yongsan-gu.label-point pos:long ?v } ;
INSERT DATA { place:kr-yongsan-gu.label-point pos:long -180.5 }
