"""HR's CSV files imported as jobs: uploaded by the web process, run in chunks by the worker."""
