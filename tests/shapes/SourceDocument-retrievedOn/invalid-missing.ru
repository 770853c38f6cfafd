DELETE WHERE { <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> lc:retrievedOn ?d }
