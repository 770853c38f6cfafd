INSERT DATA {
  dataset:network a dcat:Catalog ;
    dcterms:title "UNESCO Global Network of Learning Cities: learning city profiles as linked data"@en,
      "유네스코 학습도시 국제 네트워크: 학습도시 프로필 링크드 데이터"@ko ;
    dcterms:description "The network profiles of 1 member city, imported by learningcity."@en ;
    dcterms:publisher organization:learningcity ;
    dcterms:creator organization:learningcity ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    dcterms:modified "2026-11-24"^^xsd:date ;
    dcat:dataset dataset:kr-yongsan-gu .
}
