INSERT DATA { programme:kr-yongsan-gu.yongsan-leaders-academy schema:name "용산 리더스 아카데미"@ko }
