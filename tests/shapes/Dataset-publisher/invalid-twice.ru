INSERT DATA { dataset:kr-yongsan-gu dcterms:publisher organization:uil }
