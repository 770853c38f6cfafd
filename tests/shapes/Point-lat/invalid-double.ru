DELETE WHERE { place:kr-yongsan-gu.label-point pos:lat ?v } ;
INSERT DATA { place:kr-yongsan-gu.label-point pos:lat "37.533873"^^xsd:double }
