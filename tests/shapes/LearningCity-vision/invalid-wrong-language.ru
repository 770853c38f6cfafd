INSERT DATA { city:kr-yongsan-gu lc:vision "texte en français"@fr }
