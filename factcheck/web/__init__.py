"""The HTML side: one module per blueprint, forms, access control and error pages."""
