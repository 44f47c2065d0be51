# ruff: noqa: E501 - byte-exact fixtures keep each SSE event on one source line
"""Byte-exact OpenAI-compatible streams and error bodies, and a loopback server that replays them.

The first group is copied verbatim from shared/reference/openai-wire.md (recordings, or shapes
built from source as the document says); the rest is constructed to the framing in its
sections 1.2, 1.6 and 2.x. ``StreamServer`` plays a script of ``Reply`` objects for
``POST …/v1/chat/completions`` over a real socket: whole, one byte per write, or split at
chosen offsets (inside a UTF-8 sequence, inside ``\\r\\n``), with pauses, a socket kept open
after the body, or a connection dropped mid-body.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .server import SOCKET_TIMEOUT, Conn, Headers, LoopbackServer, Request, _header_items

# -- verbatim from openai-wire.md (sections 2.1-2.6, 2.9, 3) ---------------------------------

DEEPSEEK_REASONER = (
    b": keep-alive\n\n"
    b'data: {"id":"f802c271-d4da-4773-b8b3-b1e4dfbf14f3","object":"chat.completion.chunk","created":1759299469,"model":"deepseek-reasoner","system_fingerprint":"fp_ffc7281d48_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"logprobs":null,"finish_reason":null}]}\n\n'
    b'data: {"id":"f802c271-d4da-4773-b8b3-b1e4dfbf14f3","object":"chat.completion.chunk","created":1759299469,"model":"deepseek-reasoner","system_fingerprint":"fp_ffc7281d48_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"Hmm, the user said hello."},"logprobs":null,"finish_reason":null}]}\n\n'
    b'data: {"id":"f802c271-d4da-4773-b8b3-b1e4dfbf14f3","object":"chat.completion.chunk","created":1759299469,"model":"deepseek-reasoner","system_fingerprint":"fp_ffc7281d48_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":"Hello","reasoning_content":null},"logprobs":null,"finish_reason":null}]}\n\n'
    b'data: {"id":"f802c271-d4da-4773-b8b3-b1e4dfbf14f3","object":"chat.completion.chunk","created":1759299469,"model":"deepseek-reasoner","system_fingerprint":"fp_ffc7281d48_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":" \xf0\x9f\x98\x8a","reasoning_content":null},"logprobs":null,"finish_reason":null}]}\n\n'
    b'data: {"id":"f802c271-d4da-4773-b8b3-b1e4dfbf14f3","object":"chat.completion.chunk","created":1759299469,"model":"deepseek-reasoner","system_fingerprint":"fp_ffc7281d48_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":"","reasoning_content":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":6,"completion_tokens":169,"total_tokens":175,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":117},"prompt_cache_hit_tokens":1,"prompt_cache_miss_tokens":5}}\n\n'
    b"data: [DONE]\n\n"
)
OPENROUTER_STREAM = (
    b": OPENROUTER PROCESSING\n\n"
    b": OPENROUTER PROCESSING\n\n"
    b'data: {"id":"gen-1764926476-0N0195qHFzGljvYKVijc","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1764926476,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}\n\n'
    b'data: {"id":"gen-1764926476-0N0195qHFzGljvYKVijc","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1764926476,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop","native_finish_reason":"stop","logprobs":null}]}\n\n'
    b'data: {"id":"gen-1764926476-0N0195qHFzGljvYKVijc","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1764926476,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}],"usage":{"prompt_tokens":29,"completion_tokens":2,"total_tokens":31,"cost":0.00000555,"is_byok":false}}\n\n'
    b"data: [DONE]\n\n"
)
OPENROUTER_MIDSTREAM_ERROR = (
    b'data: {"id":"cmpl-abc123","object":"chat.completion.chunk","created":1234567890,"model":"openai/gpt-4o","choices":[{"index":0,"delta":{"content":"Partial"},"finish_reason":null}]}\n\n'
    b'data: {"id":"cmpl-abc123","object":"chat.completion.chunk","created":1234567890,"model":"openai/gpt-4o","provider":"openai","error":{"code":"server_error","message":"Provider disconnected unexpectedly"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}\n\n'
)
AZURE_STREAM = (  # events 1-3 and 5 verbatim from quarkiverse/quarkus-langchain4j AzureOpenAiStreamingChatModelTest ("generated from a true API call"); event 4 from the Azure docs async-filter sample (the doc's trailing space before the newline was removed)
    b'data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}]}\n\n'
    b'data: {"choices":[{"content_filter_results":{},"delta":{"content":"","refusal":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1750697159,"id":"chatcmpl-BleatwEUn3D8iXsgXpDqeOPEMuW3j","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","system_fingerprint":"fp_ee1d74bde0"}\n\n'
    b'data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":"Hallo"},"finish_reason":null,"index":0,"logprobs":null}],"created":1750697159,"id":"chatcmpl-BleatwEUn3D8iXsgXpDqeOPEMuW3j","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","system_fingerprint":"fp_ee1d74bde0"}\n\n'
    b'data: {"id":"","object":"","created":0,"model":"","choices":[{"index":0,"finish_reason":null,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"content_filter_offsets":{"check_offset":44,"start_offset":44,"end_offset":198}}],"usage":null}\n\n'
    b'data: {"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0,"logprobs":null}],"created":1750697159,"id":"chatcmpl-BleatwEUn3D8iXsgXpDqeOPEMuW3j","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","system_fingerprint":"fp_ee1d74bde0"}\n\n'
    b"data: [DONE]\n\n"
)
OLLAMA_STREAM = (  # values from a published capture (deepseek-r1:1.5b via Ollama), shape per middleware/openai.go
    b'data: {"id":"chatcmpl-509","object":"chat.completion.chunk","created":1742481679,"model":"deepseek-r1:1.5b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]}\n\n'
    b'data: {"id":"chatcmpl-509","object":"chat.completion.chunk","created":1742481691,"model":"deepseek-r1:1.5b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"length"}]}\n\n'
    b'data: {"id":"chatcmpl-509","object":"chat.completion.chunk","created":1742481691,"model":"deepseek-r1:1.5b","system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":17,"completion_tokens":40,"total_tokens":57}}\n\n'
    b"data: [DONE]\n\n"
)
VLLM_MIDSTREAM_ERROR = (
    b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}]}\n\n'
    b'data: {"error": {"message": "The engine is dead", "type": "InternalServerError", "param": null, "code": 500}}\n\n'
    b"data: [DONE]\n\n"
)
ONEAPI_DOUBLE_DONE = (
    b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}\n\n'
    b"data: [DONE]\n\n"
    b"data: [DONE]\n\n"
)
NO_SPACE_CRLF = (
    b'data:{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}]}\r\n\r\n'
    b"data:[DONE]\r\n\r\n"
)
NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
# older nginx: b'<body bgcolor="white">\r\n'; 504 title is "504 Gateway Time-out"; 503 "503 Service Temporarily Unavailable"
# 400, new stack: 2-space indent, keys alphabetical, NO trailing newline, content-type: application/json, content-length: 245
OPENAI_400 = (
    b'{\n  "error": {\n    "code": "unsupported_parameter",\n    "message": "Unsupported parameter: \'max_tokens\' is not supported with this model. Use \'max_completion_tokens\' instead.",\n'
    b'    "param": "max_tokens",\n    "type": "invalid_request_error"\n  }\n}'
)
# 404, legacy stack: 4-space indent, message/type/param/code order, trailing newline, content-type: application/json; charset=utf-8, vary: Origin, content-length: 224
OPENAI_404 = (
    b'{\n    "error": {\n        "message": "The model `gpt-4.1-nano-wrong` does not exist or you do not have access to it.",\n'
    b'        "type": "invalid_request_error",\n        "param": null,\n        "code": "model_not_found"\n    }\n}\n'
)


# -- error bodies (section 3, 2.1, 2.2, 2.5, 2.6) ---------------------------------------------

# 401, OpenAI (chatanywhere/GPT_API_free#62), verbatim including the "…" of the issue.
OPENAI_401 = b'{"error":{"message":"Incorrect API key provided: sk-PMafP***\xe2\x80\xa6E873. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}'
# 401 without a code, pretty-printed (shape).
OPENAI_401_NO_CODE = b'{\n    "error": {\n        "message": "Incorrect API key provided",\n        "type": "invalid_request_error",\n        "param": null,\n        "code": null\n    }\n}\n'
# new-api: gin.H with sorted keys, compact, no newline ("无效的令牌" = invalid token).
NEWAPI_401 = '{"error":{"code":"","message":"无效的令牌 (request id: 20250814021859123456789)","type":"new_api_error"}}'.encode()
# LiteLLM proxy (BerriAI/litellm #39536): "None" for null, code as a string.
LITELLM_401 = b'{"error":{"message":"Authentication Error, No api key passed in.","type":"auth_error","param":"None","code":"401"}}'
# DeepSeek 402 Insufficient Balance, in DeepSeek's 4-space error style (shape).
DEEPSEEK_402 = b'{\n    "error": {\n        "message": "Insufficient Balance",\n        "type": "unknown_error",\n        "param": null,\n        "code": "invalid_request_error"\n    }\n}'
# OpenRouter: error.code is the HTTP status as a number (shape).
OPENROUTER_402 = b'{"error":{"code":402,"message":"Insufficient credits. Add more using https://openrouter.ai/settings/credits","metadata":{}}}'
OPENAI_403 = b'{"error":{"code":"unsupported_country_region_territory","message":"Country, region, or territory not supported","param":null,"type":"request_forbidden"}}'
OPENAI_429_RATE = b'{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-\xe2\x80\xa6 on tokens per min (TPM): Limit 200000, Used 195869, Requested 4412. Please try again in 84ms. Visit https://platform.openai.com/account/rate-limits to learn more.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}'
OPENAI_429_TOO_LARGE = b'{"error":{"message":"Request too large for gpt-4o in organization org-\xe2\x80\xa6 on tokens per min (TPM): Limit 30000, Requested 34307. The input or output tokens must be reduced in order to run successfully. Visit https://platform.openai.com/account/rate-limits to learn more.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}'
# NextChat#3664, 2-space pretty.
OPENAI_429_QUOTA = b'{\n  "error": {\n    "message": "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",\n    "type": "insufficient_quota",\n    "param": null,\n    "code": "insufficient_quota"\n  }\n}\n'
CREDIT_EXHAUSTED_429 = b'{"error":{"message":"Your credit balance is exhausted.","type":"invalid_request_error","param":null,"code":"credit_balance_exhausted"}}'
# Azure: code is the string "429" and there is no type.
AZURE_429 = b'{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-02-01 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds."}}'
OPENAI_500 = b'{\n  "error": {\n    "message": "The server had an error while processing your request. Sorry about that!",\n    "type": "server_error",\n    "param": null,\n    "code": null\n  }\n}\n'
# Ollama: json.Encoder output, compact plus a trailing newline.
OLLAMA_404 = (
    b'{"error":{"message":"model \'coder\' not found","type":"not_found_error","param":null,"code":null}}\n'
)
# one-api RetrieveModel: an error body with HTTP 200.
ONEAPI_200_ERROR = b'{"error":{"message":"The model \'x\' does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}'
# LiteLLM (litellm#32221): HTTP 200 with the body literally null.
NULL_BODY = b"null"


def nginx_page(status: int, title: str) -> bytes:
    """nginx's built-in error page (CRLF), as ``NGINX_502``."""
    head = f"{status} {title}".encode()
    return (
        b"<html>\r\n<head><title>" + head + b"</title></head>\r\n<body>\r\n"
        b"<center><h1>" + head + b"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )


NGINX_500 = nginx_page(500, "Internal Server Error")
NGINX_503 = nginx_page(503, "Service Temporarily Unavailable")
NGINX_504 = nginx_page(504, "Gateway Time-out")
NGINX_PAGES = {500: NGINX_500, 502: NGINX_502, 503: NGINX_503, 504: NGINX_504}


# -- constructed streams (sections 1.2, 1.3, 2.x) ---------------------------------------------

# api.openai.com framing with stream_options.include_usage: every chunk has "usage":null but the
# last, which has "choices":[] and the usage. "’" is E2 80 99 and "😊" F0 9F 98 8A, raw UTF-8.
OPENAI_STREAM_USAGE = (
    b'data: {"id":"chatcmpl-C4Kx3TqWfJ9Yd2NlGm8Rv1bZcHs0e","object":"chat.completion.chunk","created":1755137939,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"k3Xq"}\n\n'
    b'data: {"id":"chatcmpl-C4Kx3TqWfJ9Yd2NlGm8Rv1bZcHs0e","object":"chat.completion.chunk","created":1755137939,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"content":"It"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"pQ7dZ"}\n\n'
    b'data: {"id":"chatcmpl-C4Kx3TqWfJ9Yd2NlGm8Rv1bZcHs0e","object":"chat.completion.chunk","created":1755137939,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"content":"\xe2\x80\x99s"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":""}\n\n'
    b'data: {"id":"chatcmpl-C4Kx3TqWfJ9Yd2NlGm8Rv1bZcHs0e","object":"chat.completion.chunk","created":1755137939,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"content":" a"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"Hn2x9"}\n\n'
    b'data: {"id":"chatcmpl-C4Kx3TqWfJ9Yd2NlGm8Rv1bZcHs0e","object":"chat.completion.chunk","created":1755137939,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"content":" nice"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"a"}\n\n'
    b'data: {"id":"chatcmpl-C4Kx3TqWfJ9Yd2NlGm8Rv1bZcHs0e","object":"chat.completion.chunk","created":1755137939,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"content":" day"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"W0cT"}\n\n'
    b'data: {"id":"chatcmpl-C4Kx3TqWfJ9Yd2NlGm8Rv1bZcHs0e","object":"chat.completion.chunk","created":1755137939,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"content":" \xf0\x9f\x98\x8a"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"5u"}\n\n'
    b'data: {"id":"chatcmpl-C4Kx3TqWfJ9Yd2NlGm8Rv1bZcHs0e","object":"chat.completion.chunk","created":1755137939,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null,"obfuscation":"Yb"}\n\n'
    b'data: {"id":"chatcmpl-C4Kx3TqWfJ9Yd2NlGm8Rv1bZcHs0e","object":"chat.completion.chunk","created":1755137939,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[],"usage":{"prompt_tokens":13,"completion_tokens":7,"total_tokens":20,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"obfuscation":"w1P"}\n\n'
    b"data: [DONE]\n\n"
)
OPENAI_ANSWER = "It\u2019s a nice day \U0001f60a"

# The same answer without include_usage: no "usage" key anywhere and no usage chunk.
OPENAI_STREAM = (
    b'data: {"id":"chatcmpl-C4Kx9LmA2pWq7ZtYe4Ns0VbXcRd3f","object":"chat.completion.chunk","created":1755137951,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"obfuscation":"rT5"}\n\n'
    b'data: {"id":"chatcmpl-C4Kx9LmA2pWq7ZtYe4Ns0VbXcRd3f","object":"chat.completion.chunk","created":1755137951,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"content":"It"},"logprobs":null,"finish_reason":null}],"obfuscation":"Jx81"}\n\n'
    b'data: {"id":"chatcmpl-C4Kx9LmA2pWq7ZtYe4Ns0VbXcRd3f","object":"chat.completion.chunk","created":1755137951,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"content":"\xe2\x80\x99s"},"logprobs":null,"finish_reason":null}],"obfuscation":"q"}\n\n'
    b'data: {"id":"chatcmpl-C4Kx9LmA2pWq7ZtYe4Ns0VbXcRd3f","object":"chat.completion.chunk","created":1755137951,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"content":" a"},"logprobs":null,"finish_reason":null}],"obfuscation":"0zLk7"}\n\n'
    b'data: {"id":"chatcmpl-C4Kx9LmA2pWq7ZtYe4Ns0VbXcRd3f","object":"chat.completion.chunk","created":1755137951,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"content":" nice"},"logprobs":null,"finish_reason":null}],"obfuscation":""}\n\n'
    b'data: {"id":"chatcmpl-C4Kx9LmA2pWq7ZtYe4Ns0VbXcRd3f","object":"chat.completion.chunk","created":1755137951,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"content":" day"},"logprobs":null,"finish_reason":null}],"obfuscation":"Vd"}\n\n'
    b'data: {"id":"chatcmpl-C4Kx9LmA2pWq7ZtYe4Ns0VbXcRd3f","object":"chat.completion.chunk","created":1755137951,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{"content":" \xf0\x9f\x98\x8a"},"logprobs":null,"finish_reason":null}],"obfuscation":"m3Q"}\n\n'
    b'data: {"id":"chatcmpl-C4Kx9LmA2pWq7ZtYe4Ns0VbXcRd3f","object":"chat.completion.chunk","created":1755137951,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"obfuscation":"T"}\n\n'
    b"data: [DONE]\n\n"
)

# gpt-5 family: every token went to reasoning, so finish_reason "length" and no content at all.
# No "logprobs" inside choices, "system_fingerprint":null.
GPT5_LENGTH_NO_CONTENT = (
    b'data: {"id":"chatcmpl-C4L0aP3nW8sJk2VtQe5Rx9MbYh1uD","object":"chat.completion.chunk","created":1755138101,"model":"gpt-5-nano-2025-08-07","service_tier":"default","system_fingerprint":null,"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"finish_reason":null}],"usage":null,"obfuscation":"T2kd"}\n\n'
    b'data: {"id":"chatcmpl-C4L0aP3nW8sJk2VtQe5Rx9MbYh1uD","object":"chat.completion.chunk","created":1755138101,"model":"gpt-5-nano-2025-08-07","service_tier":"default","system_fingerprint":null,"choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":null,"obfuscation":"vR8"}\n\n'
    b'data: {"id":"chatcmpl-C4L0aP3nW8sJk2VtQe5Rx9MbYh1uD","object":"chat.completion.chunk","created":1755138101,"model":"gpt-5-nano-2025-08-07","service_tier":"default","system_fingerprint":null,"choices":[],"usage":{"prompt_tokens":11,"completion_tokens":64,"total_tokens":75,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":64,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"obfuscation":"c"}\n\n'
    b"data: [DONE]\n\n"
)


def events_of(stream: bytes) -> list[bytes]:
    """The ``\\n\\n``-framed events of an LF stream, without their blank line."""
    assert b"\r" not in stream, "only for LF-framed fixtures"
    return [event for event in stream.split(b"\n\n") if event]


def with_line_endings(stream: bytes, ending: bytes) -> bytes:
    """Re-frames an LF stream with ``\\r\\n`` or ``\\r`` (the JSON holds no raw newline)."""
    assert b"\r" not in stream
    return stream.replace(b"\n", ending)


def without_space(stream: bytes) -> bytes:
    return stream.replace(b"data: ", b"data:")


def with_bom(stream: bytes) -> bytes:
    return b"\xef\xbb\xbf" + stream


def with_keepalives(stream: bytes) -> bytes:
    """DeepSeek and OpenRouter keep-alive comments before the first event, between events,
    and as a comment line inside an event."""
    events = events_of(stream)
    out = [b": keep-alive\n\n", b": OPENROUTER PROCESSING\n\n", b": OPENROUTER PROCESSING\n\n"]
    for index, event in enumerate(events):
        if index == 1:
            event = b": OPENROUTER PROCESSING\n" + event
        out.append(event + b"\n\n")
        out.append(b": keep-alive\n\n" if index % 2 else b": OPENROUTER PROCESSING\n\n")
    return b"".join(out)


def with_id_and_retry(stream: bytes) -> bytes:
    """``retry:`` first, ``id:`` on every event, ``: ping`` between events and extra blank
    lines: openai-python turns each of these into an empty event and a JSONDecodeError."""
    out = [b"retry: 3000\n\n"]
    for index, event in enumerate(events_of(stream)):
        out.append(b"id: %d\n" % index + event + b"\n\n\n")
        out.append(b": ping\n\n\n")
    out.append(b"retry: 1000\nid: last\n\n\n")
    return b"".join(out)


OPENAI_CRLF = with_line_endings(OPENAI_STREAM_USAGE, b"\r\n")
OPENAI_CR = with_line_endings(OPENAI_STREAM_USAGE, b"\r")
OPENAI_NO_SPACE = without_space(OPENAI_STREAM_USAGE)
OPENAI_BOM = with_bom(OPENAI_STREAM_USAGE)
OPENAI_BOM_CRLF = with_bom(OPENAI_CRLF)
OPENAI_KEEPALIVES = with_keepalives(OPENAI_STREAM_USAGE)
OPENAI_ID_RETRY = with_id_and_retry(OPENAI_STREAM_USAGE)

# llama.cpp / mlx without a reasoning parser: inline <think> in content, tags split across
# deltas, usage and timings on the finish chunk.
INLINE_THINK = (
    b'data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":1755138300,"id":"chatcmpl-q4Zt7Hc2","model":"qwen3-8b","system_fingerprint":"b6100-0a1b2c3d","object":"chat.completion.chunk"}\n\n'
    b'data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"<think>"}}],"created":1755138300,"id":"chatcmpl-q4Zt7Hc2","model":"qwen3-8b","system_fingerprint":"b6100-0a1b2c3d","object":"chat.completion.chunk"}\n\n'
    b'data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"\\nThe user says hi"}}],"created":1755138300,"id":"chatcmpl-q4Zt7Hc2","model":"qwen3-8b","system_fingerprint":"b6100-0a1b2c3d","object":"chat.completion.chunk"}\n\n'
    b'data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":".\\n</thi"}}],"created":1755138300,"id":"chatcmpl-q4Zt7Hc2","model":"qwen3-8b","system_fingerprint":"b6100-0a1b2c3d","object":"chat.completion.chunk"}\n\n'
    b'data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"nk>\\n\\nHi th"}}],"created":1755138300,"id":"chatcmpl-q4Zt7Hc2","model":"qwen3-8b","system_fingerprint":"b6100-0a1b2c3d","object":"chat.completion.chunk"}\n\n'
    b'data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"ere \xe2\x80\x99<"}}],"created":1755138300,"id":"chatcmpl-q4Zt7Hc2","model":"qwen3-8b","system_fingerprint":"b6100-0a1b2c3d","object":"chat.completion.chunk"}\n\n'
    b'data: {"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":1755138300,"id":"chatcmpl-q4Zt7Hc2","model":"qwen3-8b","system_fingerprint":"b6100-0a1b2c3d","object":"chat.completion.chunk","usage":{"completion_tokens":12,"prompt_tokens":9,"total_tokens":21},"timings":{"prompt_n":9,"predicted_n":12}}\n\n'
    b"data: [DONE]\n\n"
)

# Ollama with a thinking model: delta.reasoning, role in every chunk, usage chunk at the end.
OLLAMA_REASONING = (
    b'data: {"id":"chatcmpl-274","object":"chat.completion.chunk","created":1755138400,"model":"qwen3:0.6b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"Okay, the user"},"finish_reason":null}]}\n\n'
    b'data: {"id":"chatcmpl-274","object":"chat.completion.chunk","created":1755138400,"model":"qwen3:0.6b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":" greeted me."},"finish_reason":null}]}\n\n'
    b'data: {"id":"chatcmpl-274","object":"chat.completion.chunk","created":1755138401,"model":"qwen3:0.6b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello! \xf0\x9f\x91\x8b"},"finish_reason":null}]}\n\n'
    b'data: {"id":"chatcmpl-274","object":"chat.completion.chunk","created":1755138401,"model":"qwen3:0.6b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}\n\n'
    b'data: {"id":"chatcmpl-274","object":"chat.completion.chunk","created":1755138401,"model":"qwen3:0.6b","system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":25,"total_tokens":36}}\n\n'
    b"data: [DONE]\n\n"
)

_AZURE = events_of(AZURE_STREAM)  # [prompt filter, role, "Hallo", async annotation, stop, [DONE]]
# Async filter: the annotation chunk (a choice with no delta) arrives after the stop chunk.
AZURE_TRAILING_ANNOTATION = b"".join(event + b"\n\n" for event in (*_AZURE[:3], _AZURE[4], _AZURE[3], _AZURE[5]))
# Blocking filter (Azure docs sample shape): the stream ends with an annotation chunk whose
# finish_reason is content_filter, then [DONE], and no usage chunk.
AZURE_BLOCKED = b"".join(event + b"\n\n" for event in _AZURE[:3]) + (
    b'data: {"id":"","object":"","created":0,"model":"","choices":[{"index":0,"finish_reason":"content_filter","content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":true,"severity":"medium"}},"content_filter_offsets":{"check_offset":65,"start_offset":65,"end_offset":1056}}],"usage":null}\n\n'
    b"data: [DONE]\n\n"
)

# LM Studio: a named error event after some text, status 200, no [DONE].
LMSTUDIO_ERROR = (
    b'data: {"id":"chatcmpl-8k1x2","object":"chat.completion.chunk","created":1755138500,"model":"qwen2.5-7b-instruct","system_fingerprint":"qwen2.5-7b-instruct","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"logprobs":null,"finish_reason":null}]}\n\n'
    b'event: error\ndata: {"error":{"message":"The model has crashed without additional information. (Exit code: null)"},"message":"The model has crashed without additional information. (Exit code: null)"}\n\n'
)

# The stream ends (cleanly, at the HTTP level) without [DONE].
NO_DONE_WITH_FINISH = events_of(ONEAPI_DOUBLE_DONE)[0] + b"\n\n"
NO_DONE_NO_FINISH = (
    b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Partial"},"finish_reason":null}]}\n\n'
    b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":" answer"},"finish_reason":null}]}\n\n'
)
# A last event without its blank line, then EOF (openai-python drops it; we keep it).
NO_BLANK_LINE_AT_EOF = (
    b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"ok"},"finish_reason":null}]}\n\n'
    b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n'
)
# The connection breaks in the middle of the " nice" event's JSON.
CUT_MID_LINE = OPENAI_STREAM_USAGE[: OPENAI_STREAM_USAGE.index(b' nice"') + 3]
CUT_MID_LINE_PARTIAL = "It\u2019s a"

# A relay (Gemini adapter) in upper case, reasoning_content as an object, usage on the finish chunk.
UPPER_STOP = (
    b'data: {"id":"chatcmpl-gm1","object":"chat.completion.chunk","created":1755138600,"model":"gemini-2.5-flash","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning_content":{"text":"A greeting in French."}},"finish_reason":null}]}\n\n'
    b'data: {"id":"chatcmpl-gm1","object":"chat.completion.chunk","created":1755138600,"model":"gemini-2.5-flash","choices":[{"index":0,"delta":{"content":"Bonjour \xc3\xa0 vous"},"finish_reason":null}]}\n\n'
    b'data: {"id":"chatcmpl-gm1","object":"chat.completion.chunk","created":1755138600,"model":"gemini-2.5-flash","choices":[{"index":0,"delta":{"content":""},"finish_reason":"STOP"}],"usage":{"prompt_tokens":4,"completion_tokens":3,"total_tokens":7}}\n\n'
    b"data: [DONE]\n\n"
)
# Some relays put a dummy usage on every chunk; the real one comes with the finish.
USAGE_ON_EVERY_CHUNK = (
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"A"},"finish_reason":null}],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}\n\n'
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"B"},"finish_reason":null}],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}\n\n'
    b'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"eos"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}\n\n'
    b"data: [DONE]\n\n"
)

# Raw U+2028 (E2 80 A8) and U+2029 (E2 80 A9) inside JSON strings: legal JSON, and not a line
# break for SSE; str.splitlines() would cut there. Also the escaped form.
RAW_U2028 = (
    b'data: {"id":"c2","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"line\xe2\x80\xa8next\xe2\x80\xa9end"},"finish_reason":null}]}\n\n'
    b'data: {"id":"c2","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":" \\u2028esc"},"finish_reason":"stop"}]}\n\n'
    b"data: [DONE]\n\n"
)
RAW_U2028_ANSWER = "line\u2028next\u2029end \u2028esc"

# One event over two data: lines (joined with "\n", which is JSON whitespace).
MULTILINE_DATA = (
    b'data: {"id":"c3","object":"chat.completion.chunk",\n'
    b'data: "created":1,"model":"m","choices":[{"index":0,"delta":{"content":"two lines"},"finish_reason":"stop"}]}\n\n'
    b"data: [DONE]\n\n"
)

# OpenRouter reasoning models send the same thought three ways; it must be shown once.
OPENROUTER_REASONING = (
    b": OPENROUTER PROCESSING\n\n"
    b'data: {"id":"gen-1764927000-Rk2","provider":"DeepSeek","model":"deepseek/deepseek-r1","object":"chat.completion.chunk","created":1764927000,"choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"Greeting.","reasoning_content":"Greeting.","reasoning_details":[{"type":"reasoning.text","text":"Greeting.","format":"unknown","index":0}]},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}\n\n'
    b'data: {"id":"gen-1764927000-Rk2","provider":"DeepSeek","model":"deepseek/deepseek-r1","object":"chat.completion.chunk","created":1764927000,"choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning_details":[{"type":"reasoning.text","text":" Reply.","format":"unknown","index":0}]},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}\n\n'
    b'data: {"id":"gen-1764927000-Rk2","provider":"DeepSeek","model":"deepseek/deepseek-r1","object":"chat.completion.chunk","created":1764927000,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi!","reasoning":null},"finish_reason":"stop","native_finish_reason":"stop","logprobs":null}]}\n\n'
    b'data: {"id":"gen-1764927000-Rk2","provider":"DeepSeek","model":"deepseek/deepseek-r1","object":"chat.completion.chunk","created":1764927000,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}],"usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14,"cost":0.0000201,"is_byok":false,"completion_tokens_details":{"reasoning_tokens":6}}}\n\n'
    b"data: [DONE]\n\n"
)

# vLLM (section 2.5): the usage-only chunk may carry "choices": null.
VLLM_CHOICES_NULL = (
    b'data: {"id":"chatcmpl-9f2","object":"chat.completion.chunk","created":1755138800,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"role":"assistant","content":"Hey"},"logprobs":null,"finish_reason":null}]}\n\n'
    b'data: {"id":"chatcmpl-9f2","object":"chat.completion.chunk","created":1755138800,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"stop","stop_reason":null}]}\n\n'
    b'data: {"id":"chatcmpl-9f2","object":"chat.completion.chunk","created":1755138800,"model":"Qwen/Qwen2.5-7B-Instruct","choices":null,"usage":{"prompt_tokens":8,"total_tokens":10,"completion_tokens":2}}\n\n'
    b"data: [DONE]\n\n"
)

# Two spaces after "data:": one is stripped, the data is " [DONE]"; still the terminator.
DONE_TWO_SPACES = NO_DONE_WITH_FINISH + b"data:  [DONE]\n\n"

# stream:true answered with a whole chat.completion (OpenAI 2-space style).
JSON_COMPLETION = (
    b'{\n  "id": "chatcmpl-C4M1xYzW8e2Lq0Pd5Tb3Nh7Ka9Vc",\n  "object": "chat.completion",\n  "created": 1755138700,\n'
    b'  "model": "gpt-4o-mini-2024-07-18",\n  "choices": [\n    {\n      "index": 0,\n      "message": {\n'
    b'        "role": "assistant",\n        "content": "It\xe2\x80\x99s a nice day \xf0\x9f\x98\x8a",\n        "refusal": null,\n'
    b'        "annotations": []\n      },\n      "logprobs": null,\n      "finish_reason": "stop"\n    }\n  ],\n'
    b'  "usage": {\n    "prompt_tokens": 13,\n    "completion_tokens": 7,\n    "total_tokens": 20,\n'
    b'    "prompt_tokens_details": {\n      "cached_tokens": 0,\n      "audio_tokens": 0\n    },\n'
    b'    "completion_tokens_details": {\n      "reasoning_tokens": 0,\n      "audio_tokens": 0,\n'
    b'      "accepted_prediction_tokens": 0,\n      "rejected_prediction_tokens": 0\n    }\n  },\n'
    b'  "service_tier": "default",\n  "system_fingerprint": "fp_560af6e559"\n}\n'
)
# DeepSeek non-stream: blank lines while waiting, then compact JSON with reasoning_content.
DEEPSEEK_JSON_BLANK_LINES = b"\n" * 6 + (
    b'{"id":"0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a090","object":"chat.completion","created":1759299500,"model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant","content":"Hello \xf0\x9f\x98\x8a","reasoning_content":"Hmm, the user said hello."},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":6,"completion_tokens":40,"total_tokens":46,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":31},"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":6},"system_fingerprint":"fp_ffc7281d48_prod0820_fp8_kvcache"}'
)


# -- headers ----------------------------------------------------------------------------------

SSE_HEADERS: tuple[tuple[str, str], ...] = (  # a subset of section 1.1, in HTTP/1.1 form
    ("Content-Type", "text/event-stream; charset=utf-8"),
    ("access-control-expose-headers", "X-Request-ID"),
    ("openai-processing-ms", "191"),
    ("openai-version", "2020-10-01"),
    ("x-ratelimit-limit-requests", "500"),
    ("x-ratelimit-remaining-requests", "499"),
    ("x-ratelimit-reset-requests", "120ms"),
    ("x-request-id", "req_cce54d2033034299a777db6f8ce812cf"),
    ("Cache-Control", "no-cache"),
)
JSON_HEADERS: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
HTML_HEADERS: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)
NGINX_HEADERS: tuple[tuple[str, str], ...] = (("Server", "nginx"), ("Content-Type", "text/html"))


# -- split points -------------------------------------------------------------------------------


def offsets_inside(body: bytes, needle: bytes) -> list[int]:
    """Every offset that cuts strictly inside an occurrence of ``needle``."""
    offsets: list[int] = []
    start = body.find(needle)
    while start >= 0:
        offsets.extend(range(start + 1, start + len(needle)))
        start = body.find(needle, start + len(needle))
    return offsets


def offsets_inside_utf8(body: bytes, char: str | None = None) -> list[int]:
    """Offsets inside each multi-byte UTF-8 sequence of ``body`` (or only of ``char``)."""
    if char is not None:
        return offsets_inside(body, char.encode())
    offsets: list[int] = []
    position = 0
    for ch in body.decode("utf-8"):
        size = len(ch.encode())
        offsets.extend(range(position + 1, position + size))
        position += size
    return offsets


def offsets_inside_crlf(body: bytes) -> list[int]:
    return offsets_inside(body, b"\r\n")


# -- the replaying server -------------------------------------------------------------------------

Mode = Literal["whole", "bytewise", "split"]


@dataclass
class Reply:
    """One scripted answer.

    ``mode``: ``whole`` (one write), ``bytewise`` (one byte per write and, when chunked, per
    HTTP chunk, so the client sees them as separate reads), ``split`` (writes cut at
    ``splits``). ``pauses`` are (body offset, seconds) waits before the byte at that offset;
    ``head_delay`` waits before the status line. ``keep_open`` leaves the socket open after
    the body (no terminating chunk) until the client hangs up or the server stops;
    ``drop_at`` closes the socket after that many body bytes, without a terminating chunk.
    ``chunked`` picks Transfer-Encoding: chunked over Content-Length.
    ``close_before_head`` closes the connection without answering at all.
    """

    body: bytes = b""
    status: int = 200
    headers: Sequence[tuple[str, str]] = SSE_HEADERS
    mode: Mode = "whole"
    splits: Sequence[int] = ()
    pauses: Sequence[tuple[int, float]] = ()
    head_delay: float = 0.0
    keep_open: bool = False
    drop_at: int | None = None
    chunked: bool = True
    close_before_head: bool = False

    def pieces(self) -> list[tuple[float, bytes]]:
        """(pause before, bytes) for each write of the body."""
        body = self.body if self.drop_at is None else self.body[: self.drop_at]
        waits = dict(self.pauses)
        cuts = set(waits)
        if self.mode == "bytewise":
            cuts.update(range(1, len(body)))
        elif self.mode == "split":
            cuts.update(self.splits)
        elif self.mode != "whole":
            raise ValueError(f"unknown mode {self.mode!r}")
        bounds = sorted({0, len(body), *(c for c in cuts if 0 < c < len(body))})
        pieces = [(waits.get(a, 0.0), body[a:b]) for a, b in itertools.pairwise(bounds)]
        if waits.get(len(body)):  # a pause after the last byte
            pieces.append((waits[len(body)], b""))
        return pieces or [(0.0, b"")]


def sse(body: bytes, **options: Any) -> Reply:
    return Reply(body=body, **options)


def json_reply(status: int, body: bytes, headers: Headers | None = None, **options: Any) -> Reply:
    items = list(JSON_HEADERS) if headers is None else _header_items(headers)
    return Reply(body=body, status=status, headers=items, chunked=False, **options)


def html_reply(status: int, body: bytes, headers: Headers | None = None, **options: Any) -> Reply:
    items = list(HTML_HEADERS) if headers is None else _header_items(headers)
    return Reply(body=body, status=status, headers=items, chunked=False, **options)


def play(conn: Conn, reply: Reply, release: threading.Event) -> bool:
    """Writes ``reply`` on ``conn``; False when the client hung up before the end.

    Waits are taken on ``release`` so stopping the server cuts them short.
    """
    with contextlib.suppress(OSError):
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if reply.head_delay and release.wait(reply.head_delay):
        conn.close()
        return False
    if reply.close_before_head:
        _hang_up(conn)
        return True
    items = list(reply.headers)
    try:
        if reply.chunked:
            conn.start_chunked(reply.status, items)
        else:
            if not any(name.lower() == "content-length" for name, _ in items):
                # With drop_at the announced length is the whole body, so the cut is visible.
                items.append(("Content-Length", str(len(reply.body))))
            conn.send(conn._head(reply.status, items, None))
        for wait, piece in reply.pieces():
            if wait and release.wait(wait):
                conn.close()
                return False
            if piece and reply.chunked:
                conn.send_chunk(piece)
            elif piece:
                conn.send(piece)
        if reply.drop_at is not None:
            _hang_up(conn)
        elif reply.keep_open:
            _hold(conn, release)
        elif reply.chunked:
            conn.end_chunked()
    except OSError:  # the client closed first (it stopped at [DONE], or timed out)
        conn.close()
        return False
    return True


def _hang_up(conn: Conn) -> None:
    """Close without the terminating chunk (or before Content-Length is reached)."""
    with contextlib.suppress(OSError):
        conn.sock.shutdown(socket.SHUT_RDWR)
    conn.close()


def _hold(conn: Conn, release: threading.Event, limit: float = SOCKET_TIMEOUT) -> None:
    """Keep the socket open, sending nothing, until the client hangs up or the server stops."""
    deadline = time.monotonic() + limit
    conn.sock.settimeout(0.05)
    try:
        while not release.is_set() and time.monotonic() < deadline:
            try:
                if conn.sock.recv(1) == b"":
                    return  # the client closed its end
            except TimeoutError:
                continue
    except OSError:
        return
    finally:
        conn.close()


class StreamServer(LoopbackServer):
    """Plays ``replies`` in order for ``POST …/chat/completions``; the last one repeats.

    ``requests`` records what the client sent (``chat_requests`` only the chat calls);
    ``hangups`` counts replies the client cut short.
    """

    def __init__(self, *replies: Reply, host: str = "127.0.0.1") -> None:
        if not replies:
            raise ValueError("StreamServer needs at least one Reply")
        super().__init__(self._handle, host=host)
        self.replies: list[Reply] = list(replies)
        self.chat_requests: list[Request] = []
        self.hangups = 0
        self.release = threading.Event()

    def _handle(self, request: Request, conn: Conn) -> None:
        if request.method != "POST" or not request.path.endswith("/chat/completions"):
            conn.send_json(404, {"error": {"message": f"Invalid URL ({request.method} {request.path})"}})
            return
        with self._lock:
            index = len(self.chat_requests)
            self.chat_requests.append(request)
        reply = self.replies[min(index, len(self.replies) - 1)]
        if not play(conn, reply, self.release):
            with self._lock:
                self.hangups += 1

    @property
    def bodies(self) -> list[dict[str, object]]:
        return [request.json() for request in self.chat_requests]

    def start(self) -> StreamServer:
        self.release.clear()
        super().start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.release.set()  # ends pauses and held-open sockets first
        super().stop(timeout)
