"""${{ values.name }}: the service's package."""
