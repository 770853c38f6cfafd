INSERT DATA { place:kr-seoul schema:containedInPlace place:kr-2 . place:kr-2 a schema:Country ; schema:name "Korea"@en }
