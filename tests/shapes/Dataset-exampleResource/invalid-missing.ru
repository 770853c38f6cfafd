DELETE WHERE { dataset:kr-yongsan-gu void:exampleResource ?v }
