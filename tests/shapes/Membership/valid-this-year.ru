DELETE DATA { interval:kr-yongsan-gu.gnlc-membership-start time:inXSDgYear "2019"^^xsd:gYear } ;
INSERT { interval:kr-yongsan-gu.gnlc-membership-start time:inXSDgYear ?y } WHERE { BIND(STRDT(STR(YEAR(NOW())), xsd:gYear) AS ?y) }
