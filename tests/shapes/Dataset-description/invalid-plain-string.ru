INSERT DATA { dataset:kr-yongsan-gu dcterms:description "untagged text" }
