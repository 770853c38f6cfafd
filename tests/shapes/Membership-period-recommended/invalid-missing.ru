DELETE WHERE { membership:kr-yongsan-gu.gnlc org:memberDuring ?v }
