DELETE WHERE { interval:kr-yongsan-gu.mayor-hee-young-park time:hasEnd ?e }
