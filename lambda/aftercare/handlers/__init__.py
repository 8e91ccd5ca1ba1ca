"""Request handlers, one module per user journey."""
