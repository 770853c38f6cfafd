DELETE DATA { post:kr-yongsan-gu.mayor org:role lc:mayorRole } ;
INSERT DATA { post:kr-yongsan-gu.mayor org:role lc:focalPointRole }
