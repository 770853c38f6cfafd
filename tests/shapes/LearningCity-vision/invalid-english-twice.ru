INSERT DATA { city:kr-yongsan-gu lc:vision "A second English value"@en }
