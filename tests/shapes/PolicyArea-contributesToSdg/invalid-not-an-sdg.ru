INSERT DATA { lcpa:equity-and-inclusion lc:contributesToSdg <https://sdgs.un.org/goals/goal4> }
