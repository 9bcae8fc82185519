"""orders-api: the service's package."""
