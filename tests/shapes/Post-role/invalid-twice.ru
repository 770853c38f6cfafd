INSERT DATA { post:kr-yongsan-gu.mayor org:role lc:focalPointRole }
