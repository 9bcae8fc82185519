"""${{ values.name }}: ${{ values.description }}"""


def main() -> None:
    print("hello from ${{ values.name }}")
