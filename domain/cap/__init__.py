"""CAP 1.2: published alerts as CAP XML and Atom feeds, and authorities' CAP alerts read safely."""
