DELETE WHERE { dataset:kr-yongsan-gu void:uriSpace ?u } ;
INSERT DATA { dataset:kr-yongsan-gu void:uriSpace "w3id.org/learningcity/id" }
