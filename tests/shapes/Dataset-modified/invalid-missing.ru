DELETE WHERE { dataset:kr-yongsan-gu dcterms:modified ?d }
