INSERT DATA { city:kr-yongsan-gu schema:sameAs "Q50429" }
