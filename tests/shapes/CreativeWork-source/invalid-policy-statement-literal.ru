INSERT DATA { statement:kr-yongsan-gu.equity-and-inclusion dcterms:source "the UIL website" }
