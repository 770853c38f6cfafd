INSERT DATA { practice:kr-yongsan-gu.talent-sharing-project dcterms:source "the UIL website" }
