DELETE DATA { person:kr-yongsan-gu.hee-young-park a schema:Person }
