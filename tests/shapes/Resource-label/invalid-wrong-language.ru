INSERT DATA { post:kr-yongsan-gu.mayor rdfs:label "texte en français"@fr }
