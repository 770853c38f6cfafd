INSERT DATA { person:kr-yongsan-gu.eunsung-heo schema:name "Eunsung Heo" }
