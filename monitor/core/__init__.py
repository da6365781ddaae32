"""The foundation every wing stands on: paths and defaults, atomic files, the text catalogue, escaping."""
