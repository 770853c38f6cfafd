DELETE WHERE { statement:kr-yongsan-gu.equity-and-inclusion lc:policyArea ?v }
