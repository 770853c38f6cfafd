INSERT DATA { dataset:kr-yongsan-gu dcterms:description "A second English value"@en }
