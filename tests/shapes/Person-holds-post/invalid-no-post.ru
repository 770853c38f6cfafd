INSERT DATA { person:kr-yongsan-gu.someone a schema:Person ; schema:name "Someone Else"@en }
