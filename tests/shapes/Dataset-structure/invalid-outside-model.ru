DELETE WHERE { dataset:kr-yongsan-gu qb:structure ?s } ;
INSERT DATA { dataset:kr-yongsan-gu qb:structure lc:censusStructure }
