INSERT DATA {
  statement:kr-yongsan-gu.challenges-and-goals a lc:ProfileStatement ;
      rdfs:label "Yongsan-gu: Challenges and goals"@en ;
      schema:name "Challenges and goals"@en ;
      schema:isPartOf <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> ;
      schema:about "Yongsan-gu"@en ;
      dcterms:source <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> ;
      schema:text "Written for a shape test: a section of the earlier layout."@en .
}
