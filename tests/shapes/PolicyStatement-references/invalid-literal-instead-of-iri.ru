INSERT DATA { statement:kr-yongsan-gu.equity-and-inclusion dcterms:references "references as text" }
