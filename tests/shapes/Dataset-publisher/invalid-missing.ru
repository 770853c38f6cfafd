DELETE WHERE { dataset:kr-yongsan-gu dcterms:publisher ?v }
