"""Site-wide pieces: home page, demo data, the staff workspace entry."""
