INSERT DATA { dataset:kr-yongsan-gu dcterms:source "the UIL website" }
