INSERT DATA { person:kr-yongsan-gu.eunsung-heo schema:email "heo@example.org" }
