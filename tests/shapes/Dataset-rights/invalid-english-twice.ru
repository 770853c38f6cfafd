INSERT DATA { dataset:kr-yongsan-gu dcterms:rights "A second English value"@en }
