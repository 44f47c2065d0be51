"""Which models are for chatting, guessed from their names."""

from desktop_client.core.model_names import chat_first, first_chat_model


def test_chat_models_come_first_and_the_surely_other_ones_last() -> None:
    listed = ["text-embedding-3-small", "whisper-1", "my-model", "gpt-image-1", "gpt-4o", "deepseek-chat", "tts-1"]
    assert chat_first(listed) == [
        "gpt-4o",
        "deepseek-chat",
        "my-model",
        "text-embedding-3-small",
        "whisper-1",
        "gpt-image-1",
        "tts-1",
    ]
    assert first_chat_model(listed) == "gpt-4o"
    assert first_chat_model(["my-model", "dall-e-3"]) == "my-model"
    assert first_chat_model(["text-embedding-3-small", "omni-moderation-latest"]) == ""
    assert first_chat_model([]) == ""
