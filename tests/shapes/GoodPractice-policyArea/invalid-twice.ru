INSERT DATA { practice:kr-yongsan-gu.talent-sharing-project lc:policyArea lcpa:decent-work-and-entrepreneurship }
