INSERT DATA { statement:kr-yongsan-gu.equity-and-inclusion schema:text "untagged text" }
