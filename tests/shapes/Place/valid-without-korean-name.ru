DELETE DATA { place:kr-seoul schema:name "서울특별시"@ko }
