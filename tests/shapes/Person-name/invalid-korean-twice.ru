INSERT DATA { person:kr-yongsan-gu.hee-young-park schema:name "박 희영"@ko }
