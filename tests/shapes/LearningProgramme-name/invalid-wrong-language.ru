INSERT DATA { programme:kr-yongsan-gu.yongsan-leaders-academy schema:name "texte en français"@fr }
