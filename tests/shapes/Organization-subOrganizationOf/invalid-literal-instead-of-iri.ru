INSERT DATA { organization:uil org:subOrganizationOf "subOrganizationOf as text" }
