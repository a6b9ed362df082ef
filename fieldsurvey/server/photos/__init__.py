"""Photos at the county: limits, sealed bundles received, and showing them to who may see the household."""
