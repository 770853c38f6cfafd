INSERT DATA { place:kr-seoul schema:sameAs "Q8684" }
