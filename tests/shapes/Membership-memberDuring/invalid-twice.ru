INSERT DATA { membership:kr-yongsan-gu.gnlc org:memberDuring interval:kr-yongsan-gu.mayor-hee-young-park }
