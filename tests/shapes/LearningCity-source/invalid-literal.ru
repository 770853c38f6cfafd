INSERT DATA { city:kr-yongsan-gu dcterms:source "the UIL website" }
