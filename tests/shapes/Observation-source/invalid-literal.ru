INSERT DATA { observation:kr-yongsan-gu.population dcterms:source "the UIL website" }
