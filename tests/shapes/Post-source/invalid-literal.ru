INSERT DATA { post:kr-yongsan-gu.mayor dcterms:source "the UIL website" }
