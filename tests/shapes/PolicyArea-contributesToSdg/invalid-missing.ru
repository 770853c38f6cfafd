DELETE WHERE { lcpa:equity-and-inclusion lc:contributesToSdg ?g }
