"""Rendering a wave: planning jobs, executing notebooks in worker processes, HTML pages, publishing."""
