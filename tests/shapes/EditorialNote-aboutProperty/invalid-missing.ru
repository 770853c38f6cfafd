DELETE WHERE { note:kr-yongsan-gu.coordinates lc:aboutProperty ?s }
