INSERT DATA { city:kr-yongsan-gu schema:description "untagged text" }
