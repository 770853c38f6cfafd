DELETE DATA { statement:kr-yongsan-gu.sustainability-and-health lc:policyArea lcpa:sustainability-and-health } ;
INSERT DATA { statement:kr-yongsan-gu.sustainability-and-health lc:policyArea lcpa:equity-and-inclusion }
