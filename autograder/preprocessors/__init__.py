"""nbgrader preprocessors of our own, one file each, named after its class.

Autograde (in ``autograder.config``'s order): ``AskQuestions``, ``SandboxedExecute``, ``Judge``,
``LimitTextOutput``; feedback: ``ScoreLine``, ``HideTestTracebacks``.
"""
