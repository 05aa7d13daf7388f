"""dbt integration on the server: manifest sync, the pull-request impact check and PR proposals."""
