"""Reading the local SMS backend's table as a person reads their phone."""

import re

from onewindow.core.sms import message_list


def texted_code(mobile: str) -> str:
    """The six-digit code in the newest text message to `mobile`."""
    messages = message_list(mobile=mobile, limit=1)
    assert messages, f"no text message to {mobile}"
    match = re.search(r"\d{6}", messages[0].text)
    assert match, messages[0].text
    return match[0]
