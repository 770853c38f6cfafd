DELETE WHERE { dataset:kr-yongsan-gu void:vocabulary ?v }
