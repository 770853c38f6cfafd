INSERT DATA { city:kr-yongsan-gu schema:alternateName "Yongsan" }
