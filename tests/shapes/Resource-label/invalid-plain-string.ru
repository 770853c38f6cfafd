INSERT DATA { post:kr-yongsan-gu.mayor rdfs:label "untagged text" }
