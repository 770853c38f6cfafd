INSERT DATA { programme:kr-yongsan-gu.yongsan-leaders-academy schema:name "A second English value"@en }
