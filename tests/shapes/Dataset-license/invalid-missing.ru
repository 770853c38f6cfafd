DELETE WHERE { dataset:kr-yongsan-gu dcterms:license ?l }
