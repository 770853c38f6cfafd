DELETE WHERE { observation:kr-yongsan-gu.population skos:note ?n } ;
INSERT DATA { observation:kr-yongsan-gu.population sdmxdim:refPeriod <http://reference.data.gov.uk/id/year/2023> }
