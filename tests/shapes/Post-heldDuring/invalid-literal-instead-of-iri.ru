DELETE DATA { post:kr-yongsan-gu.mayor lc:heldDuring interval:kr-yongsan-gu.mayor-hee-young-park } ;
INSERT DATA { post:kr-yongsan-gu.mayor lc:heldDuring "heldDuring as text" }
