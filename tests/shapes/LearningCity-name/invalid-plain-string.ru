INSERT DATA { city:kr-yongsan-gu schema:name "untagged text" }
