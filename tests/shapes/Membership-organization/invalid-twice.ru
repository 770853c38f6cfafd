INSERT DATA { membership:kr-yongsan-gu.gnlc org:organization organization:uil }
