DELETE DATA { interval:kr-yongsan-gu.gnlc-membership-start time:inXSDgYear "2019"^^xsd:gYear }
