"""The data quality model: schemas, cell values and the checks that find issues."""
