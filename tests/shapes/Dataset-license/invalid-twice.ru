INSERT DATA { dataset:kr-yongsan-gu dcterms:license <https://creativecommons.org/publicdomain/zero/1.0/> }
