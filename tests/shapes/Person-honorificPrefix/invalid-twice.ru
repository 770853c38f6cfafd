INSERT DATA { person:kr-yongsan-gu.eunsung-heo schema:honorificPrefix "Dr" }
