INSERT DATA { membership:kr-yongsan-gu.gnlc dcterms:source "the UIL website" }
