"""The data quality service, implementing the ``DatasetValidator`` port."""
