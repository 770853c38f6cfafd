DELETE DATA { dataset:kr-yongsan-gu dcterms:publisher organization:learningcity } ;
INSERT DATA { dataset:kr-yongsan-gu dcterms:publisher "publisher as text" }
