DELETE DATA { membership:kr-yongsan-gu.gnlc org:memberDuring interval:kr-yongsan-gu.gnlc-membership } ;
INSERT DATA { membership:kr-yongsan-gu.gnlc org:memberDuring "memberDuring as text" }
