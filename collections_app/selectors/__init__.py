"""Reads (Django-Styleguide "selectors"): querysets and views of data for pages, no writes."""
