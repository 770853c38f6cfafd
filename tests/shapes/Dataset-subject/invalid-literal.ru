INSERT DATA { dataset:kr-yongsan-gu dcterms:subject "Yongsan-gu" }
