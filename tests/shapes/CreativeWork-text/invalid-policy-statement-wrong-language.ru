INSERT DATA { statement:kr-yongsan-gu.equity-and-inclusion schema:text "texte en français"@fr }
