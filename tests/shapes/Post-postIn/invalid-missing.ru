DELETE WHERE { post:kr-yongsan-gu.focal-point org:postIn ?v }
