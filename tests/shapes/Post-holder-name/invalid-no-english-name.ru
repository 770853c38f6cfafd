DELETE DATA { person:kr-yongsan-gu.hee-young-park schema:name "Hee Young Park"@en }
