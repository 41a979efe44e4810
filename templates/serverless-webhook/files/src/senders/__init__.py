"""One module per sender, each behind the interface described in senders/common.py.

Adding a sender is one module here, its name in SENDERS, a choice of the `signature` question, and its tests.
"""

from __future__ import annotations

from types import ModuleType

from senders import github, standard_webhooks, stripe

SENDERS: dict[str, ModuleType] = {module.NAME: module for module in (standard_webhooks, github, stripe)}
