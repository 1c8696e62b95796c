"""How results look: terminal tables, the JSON shapes and the HTML report."""
