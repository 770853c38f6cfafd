INSERT DATA {
  city:kr-yongsan-gu schema:subjectOf statement:kr-yongsan-gu.news-learning-festival .
  statement:kr-yongsan-gu.news-learning-festival a schema:CreativeWork ;
    rdfs:label "Yongsan-gu: News: Learning festival"@en ;
    dcterms:source <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> ;
    schema:about city:kr-yongsan-gu ;
    schema:isPartOf <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> ;
    schema:name "Learning festival"@en, "Learning fair"@en ;
    schema:text "Written for a shape test: a part under a heading the importer does not know."@en .
}
