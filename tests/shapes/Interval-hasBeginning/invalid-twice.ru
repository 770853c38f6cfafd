INSERT DATA { interval:kr-yongsan-gu.gnlc-membership time:hasBeginning interval:kr-yongsan-gu.mayor-hee-young-park-start }
