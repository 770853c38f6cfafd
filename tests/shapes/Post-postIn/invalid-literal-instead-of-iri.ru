DELETE DATA { post:kr-yongsan-gu.focal-point org:postIn city:kr-yongsan-gu } ;
INSERT DATA { post:kr-yongsan-gu.focal-point org:postIn "Yongsan-gu" }
