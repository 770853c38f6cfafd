DELETE DATA { post:kr-yongsan-gu.focal-point org:role lc:focalPointRole } ;
INSERT DATA { post:kr-yongsan-gu.focal-point org:role lc:mayorRole }
