INSERT DATA { city:kr-yongsan-gu schema:identifier "identifier as text" }
