DELETE WHERE { interval:kr-yongsan-gu.gnlc-membership time:hasBeginning ?v }
