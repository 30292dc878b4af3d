"""What users see: the texts, keyboards and pictures of alerts, residents, staff and operators."""
