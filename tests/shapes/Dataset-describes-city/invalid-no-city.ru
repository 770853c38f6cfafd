DELETE DATA { dataset:kr-yongsan-gu dcterms:subject city:kr-yongsan-gu } ;
INSERT DATA { dataset:kr-yongsan-gu dcterms:subject place:kr-seoul }
