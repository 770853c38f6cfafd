DELETE DATA { interval:kr-yongsan-gu.gnlc-membership time:hasBeginning interval:kr-yongsan-gu.gnlc-membership-start } ;
INSERT DATA { interval:kr-yongsan-gu.gnlc-membership time:hasBeginning "hasBeginning as text" }
