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


def test_the_context_limits_round_trip_and_a_new_conversation_gets_the_defaults(qapp) -> None:
    header = ChatHeader()
    try:
        for messages, tokens, longest in ((0, 0, None), (6, 4000, 512), (20, 0, 2048)):
            conversation = Conversation(
                "c1", "t", "", "m", "", None, context_messages=messages, context_tokens=tokens, max_tokens=longest
            )
            header.show_conversation(conversation, default_model="ignored")
            assert header.settings() == ConversationSettings.of(conversation)
        header.context_messages.setValue(8)
        header.max_tokens.setValue(0)  # the server's default
        chosen = header.settings()
        assert (chosen.context_messages, chosen.max_tokens) == (8, None)
        header.show_conversation(None, default_model="m")
        assert (header.settings().context_messages, header.settings().max_tokens) == (20, None)
    finally:
        header.deleteLater()
