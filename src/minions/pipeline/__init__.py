"""Run stages together: `build` (sources to dataset) and `run` (a whole config, to a report)."""
