INSERT DATA { statement:kr-yongsan-gu.equity-and-inclusion lc:policyArea lcpa:decent-work-and-entrepreneurship }
