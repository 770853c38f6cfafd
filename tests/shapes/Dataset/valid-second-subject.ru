INSERT DATA { dataset:kr-yongsan-gu dcterms:subject place:kr-seoul }
