INSERT DATA { dataset:kr-yongsan-gu dcterms:rights "untagged text" }
