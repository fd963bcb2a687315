"""The course's live widgets: each a Python class (state in synced traits) beside the ES module
that draws it in the browser."""

__all__: list[str] = []
