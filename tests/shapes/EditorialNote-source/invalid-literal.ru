INSERT DATA { note:kr-yongsan-gu.coordinates dcterms:source "the UIL website" }
