"""The data science model: cleaning and scaling rules as pure functions."""
