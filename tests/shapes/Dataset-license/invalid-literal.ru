DELETE WHERE { dataset:kr-yongsan-gu dcterms:license ?l } ;
INSERT DATA { dataset:kr-yongsan-gu dcterms:license "CC BY 4.0" }
