DELETE WHERE { practice:kr-yongsan-gu.talent-sharing-project lc:policyArea ?a }
