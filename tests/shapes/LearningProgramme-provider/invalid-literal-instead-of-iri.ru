DELETE DATA { programme:kr-yongsan-gu.yongsan-leaders-academy schema:provider city:kr-yongsan-gu } ;
INSERT DATA { programme:kr-yongsan-gu.yongsan-leaders-academy schema:provider "Yongsan-gu" }
