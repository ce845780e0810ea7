"""What the engine raises when content cannot give a plan."""


class EngineError(Exception):
    """The content cannot produce a plan for these facts (a content bug, not the user's)."""


class NoProcedure(EngineError):
    """No published procedure applies to these facts."""


class InvalidContent(EngineError):
    """A stored row cannot be compiled; ``check_id`` names the graph check that refuses it."""

    def __init__(self, message, *, check_id):
        super().__init__(message)
        self.check_id = check_id
