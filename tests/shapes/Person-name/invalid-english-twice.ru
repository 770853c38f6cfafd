INSERT DATA { person:kr-yongsan-gu.eunsung-heo schema:name "Eun-sung Heo"@en }
