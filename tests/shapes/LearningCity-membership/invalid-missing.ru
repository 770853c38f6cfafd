DELETE DATA { membership:kr-yongsan-gu.gnlc a org:Membership }
