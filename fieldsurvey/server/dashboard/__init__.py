"""Dashboards: counts per county, township and village, populations, assessments kept as columns."""
