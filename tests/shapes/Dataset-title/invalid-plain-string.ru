INSERT DATA { dataset:kr-yongsan-gu dcterms:title "untagged text" }
