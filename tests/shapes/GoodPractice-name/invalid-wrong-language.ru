INSERT DATA { practice:kr-yongsan-gu.talent-sharing-project schema:name "texte en français"@fr }
