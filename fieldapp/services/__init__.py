"""What the business does. Services take and return models and may flush; the request commits."""
