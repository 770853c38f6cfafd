INSERT DATA { note:kr-yongsan-gu.coordinates dcterms:subject "Yongsan-gu" }
