"""Authentication (API keys), the acting principal, authorization rules and rate limits."""
