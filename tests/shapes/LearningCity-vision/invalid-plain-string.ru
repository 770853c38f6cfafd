INSERT DATA { city:kr-yongsan-gu lc:vision "untagged text" }
