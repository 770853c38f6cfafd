INSERT DATA {
  dataset:network a dcat:Catalog ;
    dcterms:title "UNESCO Global Network of Learning Cities: learning city profiles as linked data"@en ;
    dcterms:description "The network profiles of no member city."@en ;
    dcterms:publisher organization:learningcity ;
    dcterms:creator organization:learningcity ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    dcterms:modified "2026-11-24"^^xsd:date .
}
