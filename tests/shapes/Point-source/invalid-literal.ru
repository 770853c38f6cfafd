INSERT DATA { place:kr-yongsan-gu.label-point dcterms:source "the UIL website" }
