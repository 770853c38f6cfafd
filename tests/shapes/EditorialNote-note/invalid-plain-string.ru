INSERT DATA { note:kr-yongsan-gu.coordinates skos:note "untagged text" }
