INSERT DATA { city:kr-yongsan-gu schema:containedInPlace place:kr }
