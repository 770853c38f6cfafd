DELETE DATA { statement:kr-yongsan-gu.equity-and-inclusion lc:policyArea lcpa:equity-and-inclusion } ;
INSERT DATA { statement:kr-yongsan-gu.equity-and-inclusion lc:policyArea "policyArea as text" }
