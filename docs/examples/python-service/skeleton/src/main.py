"""${{ values.name }}: owned by ${{ values.owner }}."""

print("hello from ${{ values.name }}")
