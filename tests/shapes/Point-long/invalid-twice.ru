INSERT DATA { place:kr-yongsan-gu.label-point pos:long -179.5 }
