INSERT DATA { dataset:kr-yongsan-gu dcterms:creator "creator as text" }
