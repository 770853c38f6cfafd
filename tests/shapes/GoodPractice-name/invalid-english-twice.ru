INSERT DATA { practice:kr-yongsan-gu.talent-sharing-project schema:name "A second English value"@en }
