DELETE WHERE { place:kr-yongsan-gu.label-point pos:long ?v } ;
INSERT DATA { place:kr-yongsan-gu.label-point pos:long "126.981132"^^xsd:double }
