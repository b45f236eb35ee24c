"""The data science service, implementing the ``DataCleaner`` port."""
