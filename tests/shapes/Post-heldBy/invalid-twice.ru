INSERT DATA { post:kr-yongsan-gu.mayor org:heldBy person:kr-yongsan-gu.eunsung-heo }
