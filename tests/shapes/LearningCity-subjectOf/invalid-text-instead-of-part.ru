INSERT DATA { city:kr-yongsan-gu schema:subjectOf "News"@en }
