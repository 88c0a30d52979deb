"""LLM keyword library: ``Library    libraries.llm_library.LLMLibrary``."""

from .errors import LLMBudgetExceeded, LLMConfigurationError, LLMError, LLMExpectationFailed
from .keywords.emulator import StreamBreak, ToolCallFault
from .keywords.validation import LengthUnit
from .library import LLMLibrary

__all__ = [
    "LLMBudgetExceeded",
    "LLMConfigurationError",
    "LLMError",
    "LLMExpectationFailed",
    "LLMLibrary",
    "LengthUnit",
    "StreamBreak",
    "ToolCallFault",
]
