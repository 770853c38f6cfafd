DELETE WHERE { dataset:kr-yongsan-gu void:uriSpace ?u } ;
INSERT DATA { dataset:kr-yongsan-gu void:uriSpace <https://w3id.org/learningcity/id/> }
