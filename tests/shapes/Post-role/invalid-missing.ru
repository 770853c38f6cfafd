DELETE WHERE { post:kr-yongsan-gu.focal-point org:role ?r }
