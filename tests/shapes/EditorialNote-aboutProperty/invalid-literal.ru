INSERT DATA { note:kr-yongsan-gu.coordinates lc:aboutProperty "latitude" }
