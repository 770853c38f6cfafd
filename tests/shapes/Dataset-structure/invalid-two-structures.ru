INSERT DATA { dataset:kr-yongsan-gu qb:structure lc:indicatorStructure }
