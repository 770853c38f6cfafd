INSERT DATA { place:kr-seoul schema:name "A second English value"@en }
