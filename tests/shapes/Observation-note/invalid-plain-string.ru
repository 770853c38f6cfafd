INSERT DATA { observation:kr-yongsan-gu.population skos:note "untagged text" }
