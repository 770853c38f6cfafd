INSERT DATA { note:kr-yongsan-gu.coordinates skos:note "A second English value"@en }
