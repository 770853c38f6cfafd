INSERT DATA { interval:kr-yongsan-gu.gnlc-membership time:hasEnd "hasEnd as text" }
