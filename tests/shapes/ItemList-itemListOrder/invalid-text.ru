INSERT DATA {
  statement:kr-yongsan-gu.challenges-and-goals a lc:ProfileStatement ;
      rdfs:label "Yongsan-gu: Challenges and goals"@en ;
      schema:name "Challenges and goals"@en ;
      schema:isPartOf <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> ;
      schema:about city:kr-yongsan-gu ;
      dcterms:source <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> ;
      a schema:ItemList ;
      schema:itemListElement statement:kr-yongsan-gu.challenges-and-goals-1, statement:kr-yongsan-gu.challenges-and-goals-2 ;
      schema:itemListOrder "ascending" ;
      schema:numberOfItems 2 .
  statement:kr-yongsan-gu.challenges-and-goals-1 a schema:ListItem ;
      schema:position 1 ;
      schema:description "A first item written for a shape test."@en .
  statement:kr-yongsan-gu.challenges-and-goals-2 a schema:ListItem ;
      schema:position 2 ;
      schema:description "A second item written for a shape test."@en .
}
