INSERT DATA { statement:kr-yongsan-gu.equity-and-inclusion schema:text "A second English value"@en }
