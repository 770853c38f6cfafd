INSERT DATA { dataset:kr-yongsan-gu void:exampleResource "Yongsan-gu" }
