DELETE WHERE { post:kr-yongsan-gu.mayor lc:heldDuring ?i }
