"""Private documents (the applicants' evidence): content-checked uploads, versions, checked downloads."""
