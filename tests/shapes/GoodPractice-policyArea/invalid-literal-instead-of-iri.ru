DELETE DATA { practice:kr-yongsan-gu.talent-sharing-project lc:policyArea lcpa:equity-and-inclusion } ;
INSERT DATA { practice:kr-yongsan-gu.talent-sharing-project lc:policyArea "policyArea as text" }
