INSERT DATA { practice:kr-yongsan-gu.talent-sharing-project schema:description "A second English value"@en }
