DELETE DATA { membership:kr-yongsan-gu.gnlc org:organization organization:gnlc } ;
INSERT DATA { membership:kr-yongsan-gu.gnlc org:organization "organization as text" }
