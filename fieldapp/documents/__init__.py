"""What FieldApp prints and writes out from templates: documents, not business rules. The
services ask for them (the report's PDF to attach to a mail) with the data already gathered."""
