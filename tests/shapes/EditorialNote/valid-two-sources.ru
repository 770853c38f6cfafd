INSERT DATA { note:kr-yongsan-gu.coordinates dcterms:source <https://www.wikidata.org/wiki/Q50429> }
