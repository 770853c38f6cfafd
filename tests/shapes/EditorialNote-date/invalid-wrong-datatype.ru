DELETE WHERE { note:kr-yongsan-gu.membership-year dcterms:date ?d } ;
INSERT DATA { note:kr-yongsan-gu.membership-year dcterms:date "16 August 2018"@en }
