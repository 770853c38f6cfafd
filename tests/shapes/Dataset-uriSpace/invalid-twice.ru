INSERT DATA { dataset:kr-yongsan-gu void:uriSpace "https://example.org/id/" }
