INSERT DATA { practice:kr-yongsan-gu.talent-sharing-project schema:description "texte en français"@fr }
