INSERT DATA { dataset:kr-yongsan-gu dcterms:title "A second English value"@en }
