DELETE DATA { person:kr-yongsan-gu.eunsung-heo schema:honorificPrefix "Ms." } ;
INSERT DATA { person:kr-yongsan-gu.eunsung-heo schema:honorificPrefix "Ms."@en }
