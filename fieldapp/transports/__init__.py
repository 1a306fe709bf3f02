"""The ways messages leave FieldApp: mail today (console or SMTP)."""
