INSERT DATA { dataset:kr-yongsan-gu void:vocabulary "schema.org" }
