INSERT DATA { practice:kr-yongsan-gu.talent-sharing-project schema:name "untagged text" }
