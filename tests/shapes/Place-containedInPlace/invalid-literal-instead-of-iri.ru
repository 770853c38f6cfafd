DELETE DATA { place:kr-seoul schema:containedInPlace place:kr } ;
INSERT DATA { place:kr-seoul schema:containedInPlace "containedInPlace as text" }
