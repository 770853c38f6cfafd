INSERT DATA { observation:kr-yongsan-gu.population sdmxdim:refPeriod <http://reference.data.gov.uk/id/year/2023> , <http://reference.data.gov.uk/id/year/2024> }
