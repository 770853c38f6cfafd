DELETE WHERE { post:kr-yongsan-gu.focal-point org:role ?r } ;
INSERT DATA { post:kr-yongsan-gu.focal-point org:role lc:deputyMayorRole }
