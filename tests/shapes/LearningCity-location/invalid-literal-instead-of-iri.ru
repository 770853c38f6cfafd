DELETE DATA { city:kr-yongsan-gu pos:location place:kr-yongsan-gu.label-point } ;
INSERT DATA { city:kr-yongsan-gu pos:location "location as text" }
