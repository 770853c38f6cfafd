INSERT DATA { interval:kr-yongsan-gu.gnlc-membership-start time:inXSDDate "2019-01-01"^^xsd:date }
