INSERT DATA { city:kr-yongsan-gu lc:hasGoodPractice "hasGoodPractice as text" }
