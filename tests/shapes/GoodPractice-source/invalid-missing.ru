DELETE WHERE { practice:kr-yongsan-gu.talent-sharing-project dcterms:source ?s }
