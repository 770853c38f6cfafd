DELETE WHERE { <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> lc:retrievedOn ?d } ;
INSERT DATA { <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> lc:retrievedOn "2026-11-24" }
