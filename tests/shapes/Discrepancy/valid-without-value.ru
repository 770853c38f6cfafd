DELETE WHERE { note:kr-yongsan-gu.membership-year lc:conflictingValue ?v }
