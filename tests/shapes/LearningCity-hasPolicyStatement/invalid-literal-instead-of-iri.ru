INSERT DATA { city:kr-yongsan-gu lc:hasPolicyStatement "hasPolicyStatement as text" }
