DELETE DATA { city:kr-yongsan-gu schema:containedInPlace place:kr-seoul } ;
INSERT DATA { city:kr-yongsan-gu schema:containedInPlace "containedInPlace as text" }
