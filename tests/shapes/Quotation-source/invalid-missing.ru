INSERT DATA {
  statement:kr-yongsan-gu.quotation a schema:Quotation ;
    rdfs:label "Yongsan-gu: quotation of Hee Young Park"@en ;
    schema:spokenByCharacter person:kr-yongsan-gu.hee-young-park ;
    schema:about city:kr-yongsan-gu ;
    schema:text "Words written for a shape test; nobody said them."@en .
}
