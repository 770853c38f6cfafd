DELETE DATA { post:kr-yongsan-gu.focal-point org:heldBy person:kr-yongsan-gu.eunsung-heo } ;
DELETE WHERE { person:kr-yongsan-gu.eunsung-heo ?p ?o } ;
INSERT DATA { post:kr-yongsan-gu.focal-point org:heldBy person:kr-yongsan-gu.hee-young-park }
