DELETE WHERE { membership:kr-yongsan-gu.gnlc org:organization ?v }
