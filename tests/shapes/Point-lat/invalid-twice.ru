INSERT DATA { place:kr-yongsan-gu.label-point pos:lat -89.5 }
