INSERT DATA { lcpa:equity-and-inclusion lc:contributesToSdg sdg:4.a }
