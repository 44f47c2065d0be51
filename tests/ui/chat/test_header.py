"""The chat header gives back the settings it shows (a temperature of None as the spin box's
"default")."""

from desktop_client.core.services.chat_types import Conversation, ConversationSettings
from desktop_client.ui.chat.header import ChatHeader


def test_the_header_gives_back_the_settings_it_shows(qapp) -> None:
    header = ChatHeader()
    try:
        for temperature in (None, 0.0, 1.3):
            conversation = Conversation("c1", "t", "", "some-model", "be brief", temperature)
            header.show_conversation(conversation, default_model="ignored")
            assert header.settings() == ConversationSettings.of(conversation)
        header.show_conversation(None, default_model="the-default")
        assert header.settings() == ConversationSettings(model="the-default")
        assert not header.export_btn.isEnabled()
    finally:
        header.deleteLater()
