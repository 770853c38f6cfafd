INSERT DATA { city:kr-yongsan-gu schema:description "A second English value"@en }
