INSERT DATA { <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> lc:retrievedOn "2026-11-23"^^xsd:date }
