"""REST front end: thin tornado handlers over the service API."""
