"""`newsetl automation install`: the automations of flows/automations/notify-on-failure.yaml on the Prefect
server of PREFECT_API_URL, notifying the Apprise URLs of NEWSETL_NOTIFY."""
from __future__ import annotations

from pathlib import Path
from uuid import UUID

import yaml

AUTOMATIONS = Path(__file__).parent / "automations" / "notify-on-failure.yaml"
BLOCK = "newsetl-alerts"


def install(urls: str, path: Path = AUTOMATIONS, block_name: str = BLOCK) -> list[tuple[str, UUID]]:
    """Save the URLs as a notification block and (re)create the file's automations with it; returns each
    automation's name and id. Installing again replaces them, so there is one of each."""
    from prefect.blocks.notifications import SlackWebhook
    from prefect.client.orchestration import get_client
    from prefect.events.schemas.automations import AutomationCore

    # Any Apprise URL (mailto://, json://, ...), several separated by spaces: Prefect's Slack block hands a
    # URL that is not a Slack webhook to Apprise as it is; it is the one core block that takes any.
    block_id = SlackWebhook(url=urls).save(block_name, overwrite=True)
    installed = []
    with get_client(sync_client=True) as client:
        for spec in yaml.safe_load(path.read_text(encoding="utf-8"))["automations"]:
            for action in spec["actions"]:
                if action["type"] == "send-notification":
                    action["block_document_id"] = str(block_id)
            automation = AutomationCore.model_validate(spec)
            for existing in client.read_automations_by_name(automation.name):
                client.delete_automation(existing.id)
            installed.append((automation.name, client.create_automation(automation)))
    return installed
