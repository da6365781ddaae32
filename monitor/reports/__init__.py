"""Region reports as data: prepare once, sections as typed objects, presentation, PDF, the notebook entry."""
