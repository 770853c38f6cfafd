INSERT DATA { place:kr-seoul schema:name "untagged text" }
