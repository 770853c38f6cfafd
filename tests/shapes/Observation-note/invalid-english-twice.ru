INSERT DATA { observation:kr-yongsan-gu.population skos:note "A second English value"@en }
