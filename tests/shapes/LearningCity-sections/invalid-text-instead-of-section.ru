INSERT DATA { city:kr-yongsan-gu lc:challengesAndGoals "Challenges and goals"@en }
