INSERT DATA { post:kr-yongsan-gu.mayor rdfs:label "A second English value"@en }
