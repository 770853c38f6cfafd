INSERT DATA { dataset:kr-yongsan-gu dcterms:conformsTo "learningcity ontology" }
