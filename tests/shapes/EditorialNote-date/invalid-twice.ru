INSERT DATA { note:kr-yongsan-gu.membership-year dcterms:date "2018-08-17"^^xsd:date }
