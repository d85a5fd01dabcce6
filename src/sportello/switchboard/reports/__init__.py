"""Historical contact-centre reports: the metrics of DESIGN.md summed in the database."""
