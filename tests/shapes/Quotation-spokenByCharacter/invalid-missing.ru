INSERT DATA {
  statement:kr-yongsan-gu.quotation a schema:Quotation ;
    rdfs:label "Yongsan-gu: quotation of Hee Young Park"@en ;
    dcterms:source <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> ;
    schema:about city:kr-yongsan-gu ;
    schema:text "Words written for a shape test; nobody said them."@en .
}
