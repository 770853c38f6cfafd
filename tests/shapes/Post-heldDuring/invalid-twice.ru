INSERT DATA { post:kr-yongsan-gu.mayor lc:heldDuring interval:kr-yongsan-gu.gnlc-membership }
