DELETE DATA { <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> dcterms:publisher organization:uil } ;
INSERT DATA { <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> dcterms:publisher "publisher as text" }
