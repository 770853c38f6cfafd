INSERT DATA { identifier:kr-yongsan-gu.geonames dcterms:source "the UIL website" }
