INSERT DATA { city:kr-yongsan-gu schema:name "A second English value"@en }
