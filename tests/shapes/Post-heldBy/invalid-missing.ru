DELETE WHERE { post:kr-yongsan-gu.mayor org:heldBy ?p . ?p ?x ?y }
