INSERT DATA { observation:kr-yongsan-gu.population sdmxdim:refPeriod "2023" }
