DELETE WHERE { programme:kr-yongsan-gu.yongsan-leaders-academy schema:provider ?v }
