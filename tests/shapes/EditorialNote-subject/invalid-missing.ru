DELETE WHERE { note:kr-yongsan-gu.coordinates dcterms:subject ?s }
