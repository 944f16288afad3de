"""Deterministic test graphs for the Rust SDK's integration tests.

No LLM, no network: every graph here produces the same output for the same
input. The names, state keys and node names are a contract relied on by the
Rust tests; see README.md next to this file for a summary.

Graphs (registered in langgraph.json):

- ``echo``      state ``text``, ``echo``, ``count`` (summed), ``user_id``;
                context ``greeting``.
- ``interrupt`` human in the loop: ``ask`` interrupts, ``finish`` sets ``done``.
- ``chat``      MessagesState; node ``model`` streams ``CHAT_TEXT`` token by token.
- ``tools``     MessagesState; ``model`` calls ``get_weather``, ``tools`` runs it,
                ``model`` answers ``TOOLS_FINAL_TEXT``.
- ``subgraph``  ``prepare`` -> ``child`` (``step_one`` -> ``step_two``) -> ``finalize``.
- ``custom``    node ``emit`` writes ``{"progress": i}`` for i in 1..=3.
- ``slow``      node ``tick`` loops ``steps`` times, sleeping ``delay`` seconds each.
- ``fail``      node ``fail`` raises ``ValueError("deliberate failure: <reason>")``.

v3 thread streaming graphs (stream transformers, see section 9):

- ``v3_tools``      as ``tools``, compiled with ``ToolCallTransformer``; the tool streams
                    its output as deltas (``TOOL_OUTPUT_DELTAS``).
- ``v3_custom``     custom events, plain and on the named channel ``custom:progress``.
- ``v3_subgraph``   ``model`` (``CHAT_TEXT``) -> ``child`` subgraph with its own model
                    (``CHILD_TEXT``).
- ``v3_approvals``  two interrupts in one step (``{"approve": item}`` per item).
- ``v3_slow_chat``  ``SLOW_CHAT_TEXT``, one token every ``SLOW_CHAT_DELAY`` seconds.
- ``v3_review``     ``model`` (``CHAT_TEXT``) -> ``review`` interrupts, ``approved`` = answer.

Graphs of the how-to guides, for ``examples/*.rs`` (section 10):

- ``joke``          ``refine_topic`` -> ``generate_joke`` (streaming, time travel).
- ``hitl``          ``human_node`` interrupts with ``{"text_to_revise": some_text}``.
- ``weather``       ``look_up`` -> ``answer`` (slow): double texting.
- ``config_echo``   returns the run's ``config["configurable"]`` as ``seen``.
"""

from __future__ import annotations

import asyncio
import json
import operator
import re
from collections.abc import Iterator
from typing import Annotated, Any, Optional

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import tool
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.runtime import Runtime
from langgraph.types import interrupt as lg_interrupt
from typing_extensions import TypedDict

# --------------------------------------------------------------------------- #
# Texts the Rust tests compare against.
# --------------------------------------------------------------------------- #

#: What the ``chat`` graph's model answers, whatever the input. In
#: ``messages``/``messages-tuple`` stream mode it arrives as one chunk per word
#: and one per whitespace (GenericFakeChatModel splits on ``(\s)``), so
#: concatenating the ``AIMessageChunk`` contents gives back exactly this text.
CHAT_TEXT = "The quick brown fox jumps over the lazy dog, streaming token by token."

#: The ``tools`` graph's tool call (first model answer).
TOOL_CALL = {"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1"}

#: What the ``get_weather`` tool returns (content of the ToolMessage).
TOOL_RESULT_TEXT = "It is sunny in Paris."

#: The ``tools`` graph's final model answer (after the ToolMessage).
TOOLS_FINAL_TEXT = "The weather in Paris is sunny."


def _configurable(config: Optional[RunnableConfig]) -> dict[str, Any]:
    return dict((config or {}).get("configurable") or {})


# --------------------------------------------------------------------------- #
# 1. echo
# --------------------------------------------------------------------------- #


class EchoState(TypedDict, total=False):
    text: str
    echo: str
    count: Annotated[int, operator.add]
    user_id: Optional[str]


class EchoContext(TypedDict, total=False):
    greeting: str


def _echo_node(
    state: EchoState, config: RunnableConfig, runtime: Runtime[EchoContext]
) -> dict[str, Any]:
    text = state.get("text", "")
    ctx = runtime.context
    if isinstance(ctx, dict):
        greeting = ctx.get("greeting")
    else:
        greeting = getattr(ctx, "greeting", None)
    conf = _configurable(config)
    return {
        "echo": f"{greeting} {text}" if greeting else text,
        "count": 1,
        "user_id": conf.get("user_id") or conf.get("x-user-id"),
    }


_echo = StateGraph(EchoState, context_schema=EchoContext)
_echo.add_node("echo", _echo_node)
_echo.add_edge(START, "echo")
_echo.add_edge("echo", END)
echo = _echo.compile()


# --------------------------------------------------------------------------- #
# 2. interrupt (human in the loop)
# --------------------------------------------------------------------------- #


class InterruptState(TypedDict, total=False):
    question: str
    answer: str
    done: bool
    # When true, the interrupt's value is the bare question string instead of an object.
    plain: bool


def _ask(state: InterruptState) -> dict[str, Any]:
    question = state.get("question", "")
    answer = lg_interrupt(question if state.get("plain") else {"question": question})
    return {"answer": answer}


def _finish(state: InterruptState) -> dict[str, Any]:
    return {"done": True}


_interrupt = StateGraph(InterruptState)
_interrupt.add_node("ask", _ask)
_interrupt.add_node("finish", _finish)
_interrupt.add_edge(START, "ask")
_interrupt.add_edge("ask", "finish")
_interrupt.add_edge("finish", END)
interrupt = _interrupt.compile()


# --------------------------------------------------------------------------- #
# 3. chat
# --------------------------------------------------------------------------- #


def _chat_model(state: MessagesState) -> dict[str, Any]:
    # A fresh model every call: the iterator is consumed by one invocation.
    model = GenericFakeChatModel(messages=iter([AIMessage(content=CHAT_TEXT)]))
    return {"messages": [model.invoke(state["messages"])]}


_chat = StateGraph(MessagesState)
_chat.add_node("model", _chat_model)
_chat.add_edge(START, "model")
_chat.add_edge("model", END)
chat = _chat.compile()


# --------------------------------------------------------------------------- #
# 4. tools
# --------------------------------------------------------------------------- #


class ScriptedToolChatModel(BaseChatModel):
    """Fake chat model for the ``tools`` graph.

    If the last input message is a ToolMessage it answers ``TOOLS_FINAL_TEXT``
    (streamed word by word); otherwise it answers with the ``get_weather`` tool
    call, streamed as two ``tool_call_chunks`` (GenericFakeChatModel cannot
    stream tool calls).
    """

    def _answer(self, messages: list[BaseMessage]) -> AIMessage:
        if messages and isinstance(messages[-1], ToolMessage):
            return AIMessage(content=TOOLS_FINAL_TEXT)
        return AIMessage(content="", tool_calls=[dict(TOOL_CALL, type="tool_call")])

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: Optional[list[str]] = None,
        run_manager: Optional[CallbackManagerForLLMRun] = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._answer(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: Optional[list[str]] = None,
        run_manager: Optional[CallbackManagerForLLMRun] = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        answer = self._answer(messages)
        chunks: list[AIMessageChunk] = []
        if answer.tool_calls:
            args = json.dumps(TOOL_CALL["args"])  # '{"city": "Paris"}'
            cut = args.index(":") + 1
            chunks.append(
                AIMessageChunk(
                    content="",
                    tool_call_chunks=[
                        {
                            "name": TOOL_CALL["name"],
                            "args": args[:cut],
                            "id": TOOL_CALL["id"],
                            "index": 0,
                            "type": "tool_call_chunk",
                        }
                    ],
                )
            )
            chunks.append(
                AIMessageChunk(
                    content="",
                    tool_call_chunks=[
                        {
                            "name": None,
                            "args": args[cut:],
                            "id": None,
                            "index": 0,
                            "type": "tool_call_chunk",
                        }
                    ],
                )
            )
        else:
            for token in re.split(r"(\s)", str(answer.content)):
                chunks.append(AIMessageChunk(content=token))
        chunks[-1].chunk_position = "last"
        for message in chunks:
            chunk = ChatGenerationChunk(message=message)
            if run_manager:
                run_manager.on_llm_new_token(str(message.content), chunk=chunk)
            yield chunk

    @property
    def _llm_type(self) -> str:
        return "scripted-tool-chat-model"


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city (fake, always sunny)."""
    return f"It is sunny in {city}."


def _tools_model(state: MessagesState) -> dict[str, Any]:
    return {"messages": [ScriptedToolChatModel().invoke(state["messages"])]}


_tools = StateGraph(MessagesState)
_tools.add_node("model", _tools_model)
_tools.add_node("tools", ToolNode([get_weather]))
_tools.add_edge(START, "model")
_tools.add_conditional_edges("model", tools_condition, {"tools": "tools", END: END})
_tools.add_edge("tools", "model")
tools = _tools.compile()


# --------------------------------------------------------------------------- #
# 5. subgraph
# --------------------------------------------------------------------------- #


class ChildState(TypedDict, total=False):
    trail: Annotated[list[str], operator.add]


class ParentState(TypedDict, total=False):
    trail: Annotated[list[str], operator.add]
    prepared: bool
    done: bool


def _step_one(state: ChildState) -> dict[str, Any]:
    return {"trail": ["step_one"]}


def _step_two(state: ChildState) -> dict[str, Any]:
    return {"trail": ["step_two"]}


_child = StateGraph(ChildState)
_child.add_node("step_one", _step_one)
_child.add_node("step_two", _step_two)
_child.add_edge(START, "step_one")
_child.add_edge("step_one", "step_two")
_child.add_edge("step_two", END)
child_graph = _child.compile()


def _prepare(state: ParentState) -> dict[str, Any]:
    # Deliberately does not write `trail`: the child returns its whole `trail`
    # to the parent, where `operator.add` would duplicate earlier entries.
    return {"prepared": True}


def _finalize(state: ParentState) -> dict[str, Any]:
    return {"trail": ["finalize"], "done": True}


_subgraph = StateGraph(ParentState)
_subgraph.add_node("prepare", _prepare)
_subgraph.add_node("child", child_graph)
_subgraph.add_node("finalize", _finalize)
_subgraph.add_edge(START, "prepare")
_subgraph.add_edge("prepare", "child")
_subgraph.add_edge("child", "finalize")
_subgraph.add_edge("finalize", END)
subgraph = _subgraph.compile()


# --------------------------------------------------------------------------- #
# 6. custom
# --------------------------------------------------------------------------- #


class CustomState(TypedDict, total=False):
    done: bool


def _emit(state: CustomState) -> dict[str, Any]:
    writer = get_stream_writer()
    for i in (1, 2, 3):
        writer({"progress": i})
    return {"done": True}


_custom = StateGraph(CustomState)
_custom.add_node("emit", _emit)
_custom.add_edge(START, "emit")
_custom.add_edge("emit", END)
custom = _custom.compile()


# --------------------------------------------------------------------------- #
# 7. slow
# --------------------------------------------------------------------------- #


class SlowState(TypedDict, total=False):
    steps: int  # default 1
    delay: float  # default 2.0 (overridden by configurable "delay")
    done: int  # default 0


async def _tick(state: SlowState, config: RunnableConfig) -> dict[str, Any]:
    delay = _configurable(config).get("delay")
    if delay is None:
        delay = state.get("delay", 2.0)
    await asyncio.sleep(float(delay))
    done = state.get("done", 0) + 1
    get_stream_writer()({"tick": done})
    return {"done": done}


def _tick_again(state: SlowState) -> str:
    return END if state.get("done", 0) >= state.get("steps", 1) else "tick"


_slow = StateGraph(SlowState)
_slow.add_node("tick", _tick)
_slow.add_edge(START, "tick")
_slow.add_conditional_edges("tick", _tick_again, ["tick", END])
slow = _slow.compile()


# --------------------------------------------------------------------------- #
# 8. fail
# --------------------------------------------------------------------------- #


class FailState(TypedDict, total=False):
    reason: str


def _fail(state: FailState) -> dict[str, Any]:
    raise ValueError("deliberate failure: " + state.get("reason", "none"))


_fail_graph = StateGraph(FailState)
_fail_graph.add_node("fail", _fail)
_fail_graph.add_edge(START, "fail")
_fail_graph.add_edge("fail", END)
fail = _fail_graph.compile()


# --------------------------------------------------------------------------- #
# 9. v3 thread streaming graphs
#
# A v3 run (`POST /threads/{id}/commands` `run.start`) streams only what the
# graph's stream transformers ask for: the built-in ones give `lifecycle`,
# `values`, `messages` and `input.requested`. `tools` needs
# `ToolCallTransformer` (with a real `ToolNode` tool), `custom` needs a
# transformer with `required_stream_modes = ("custom",)`, and a named channel
# `custom:<name>` needs a named `StreamChannel` returned from a transformer's
# `init()`. Transformers are passed to `compile()`, never exported as a
# module-level `stream_transformers` (the server would apply them to every
# graph of this module).
# --------------------------------------------------------------------------- #

from langgraph.prebuilt import ToolCallTransformer, ToolRuntime  # noqa: E402
from langgraph.stream import StreamChannel, StreamTransformer  # noqa: E402
from langgraph.types import Send  # noqa: E402

#: The parts `v3_tools`' `get_weather` streams as output deltas; joined they
#: are its result, ``TOOL_RESULT_TEXT``.
TOOL_OUTPUT_DELTAS = ["It is ", "sunny ", "in ", "Paris", "."]

#: What `v3_subgraph`'s child model answers.
CHILD_TEXT = "Child model says hello from inside the subgraph."

#: What `v3_slow_chat` streams, one token every ``SLOW_CHAT_DELAY`` seconds.
SLOW_CHAT_TEXT = " ".join(f"token{i}" for i in range(40))
SLOW_CHAT_DELAY = 0.02


class _ProgressTransformer(StreamTransformer):
    """Asks for the `custom` stream mode (so plain stream-writer events reach
    the wire on `custom`) and mirrors every ``{"progress": n}`` payload onto
    the named channel ``custom:progress``."""

    required_stream_modes = ("custom",)

    def __init__(self, scope: tuple[str, ...] = ()) -> None:
        super().__init__(scope)
        self._progress: StreamChannel[Any] = StreamChannel("progress")

    def init(self) -> dict[str, Any]:
        return {"progress": self._progress}

    def process(self, event: Any) -> bool:
        if event["method"] == "custom":
            data = event["params"]["data"]
            if isinstance(data, dict) and "progress" in data:
                self._progress.push({"step": data["progress"]})
        return True


@tool("get_weather")
def _v3_get_weather(city: str, runtime: ToolRuntime) -> str:
    """Get the current weather for a city (fake, always sunny), streaming it."""
    for part in TOOL_OUTPUT_DELTAS[:-2]:
        runtime.emit_output_delta(part)
    runtime.emit_output_delta(city)
    runtime.emit_output_delta(".")
    return f"It is sunny in {city}."


class _V3ToolChatModel(ScriptedToolChatModel):
    """`ScriptedToolChatModel`, but the tool call is streamed as one chunk: the v3
    `messages` transformer keeps only the first of several `tool_call_chunks` of
    one call (the block ends as an `invalid_tool_call` with half its arguments,
    and the graph never calls the tool)."""

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: Optional[list[str]] = None,
        run_manager: Optional[CallbackManagerForLLMRun] = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        answer = self._answer(messages)
        if not answer.tool_calls:
            yield from super()._stream(messages, stop, run_manager, **kwargs)
            return
        message = AIMessageChunk(
            content="",
            tool_call_chunks=[
                {
                    "name": TOOL_CALL["name"],
                    "args": json.dumps(TOOL_CALL["args"]),
                    "id": TOOL_CALL["id"],
                    "index": 0,
                    "type": "tool_call_chunk",
                }
            ],
            chunk_position="last",
        )
        chunk = ChatGenerationChunk(message=message)
        if run_manager:
            run_manager.on_llm_new_token("", chunk=chunk)
        yield chunk


def _v3_tools_model(state: MessagesState) -> dict[str, Any]:
    return {"messages": [_V3ToolChatModel().invoke(state["messages"])]}


_v3_tools = StateGraph(MessagesState)
_v3_tools.add_node("model", _v3_tools_model)
_v3_tools.add_node("tools", ToolNode([_v3_get_weather]))
_v3_tools.add_edge(START, "model")
_v3_tools.add_conditional_edges("model", tools_condition, {"tools": "tools", END: END})
_v3_tools.add_edge("tools", "model")
v3_tools = _v3_tools.compile(transformers=[ToolCallTransformer])


def _v3_emit(state: CustomState) -> dict[str, Any]:
    writer = get_stream_writer()
    for i in (1, 2, 3):
        writer({"progress": i})
    writer("plain text event")
    return {"done": True}


_v3_custom = StateGraph(CustomState)
_v3_custom.add_node("emit", _v3_emit)
_v3_custom.add_edge(START, "emit")
_v3_custom.add_edge("emit", END)
v3_custom = _v3_custom.compile(transformers=[_ProgressTransformer])


def _child_model(state: MessagesState) -> dict[str, Any]:
    model = GenericFakeChatModel(messages=iter([AIMessage(content=CHILD_TEXT)]))
    return {"messages": [model.invoke(state["messages"])]}


_v3_child = StateGraph(MessagesState)
_v3_child.add_node("child_model", _child_model)
_v3_child.add_edge(START, "child_model")
_v3_child.add_edge("child_model", END)
_v3_child_graph = _v3_child.compile()

_v3_subgraph = StateGraph(MessagesState)
_v3_subgraph.add_node("model", _chat_model)
_v3_subgraph.add_node("child", _v3_child_graph)
_v3_subgraph.add_edge(START, "model")
_v3_subgraph.add_edge("model", "child")
_v3_subgraph.add_edge("child", END)
v3_subgraph = _v3_subgraph.compile()


class ApprovalState(TypedDict, total=False):
    items: list[str]
    approved: Annotated[list[str], operator.add]


def _fan_out(state: ApprovalState) -> list[Send]:
    return [Send("approve", {"items": [item]}) for item in state.get("items", [])]


def _approve(state: ApprovalState) -> dict[str, Any]:
    item = state["items"][0]
    answer = lg_interrupt({"approve": item})
    return {"approved": [f"{item}:{answer}"]}


_v3_approvals = StateGraph(ApprovalState)
_v3_approvals.add_node("approve", _approve)
_v3_approvals.add_conditional_edges(START, _fan_out, ["approve"])
_v3_approvals.add_edge("approve", END)
v3_approvals = _v3_approvals.compile()


class _SlowTokenModel(BaseChatModel):
    """Streams ``SLOW_CHAT_TEXT`` one token every ``SLOW_CHAT_DELAY`` seconds."""

    def _generate(self, messages: list[BaseMessage], stop: Optional[list[str]] = None,
                  run_manager: Optional[CallbackManagerForLLMRun] = None,
                  **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=SLOW_CHAT_TEXT))])

    def _stream(self, messages: list[BaseMessage], stop: Optional[list[str]] = None,
                run_manager: Optional[CallbackManagerForLLMRun] = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        import time

        tokens = re.split(r"(\s)", SLOW_CHAT_TEXT)
        for i, token in enumerate(tokens):
            time.sleep(SLOW_CHAT_DELAY)
            message = AIMessageChunk(content=token)
            if i == len(tokens) - 1:
                message.chunk_position = "last"
            chunk = ChatGenerationChunk(message=message)
            if run_manager:
                run_manager.on_llm_new_token(token, chunk=chunk)
            yield chunk

    @property
    def _llm_type(self) -> str:
        return "slow-token-model"


def _slow_chat_model(state: MessagesState) -> dict[str, Any]:
    return {"messages": [_SlowTokenModel().invoke(state["messages"])]}


_v3_slow_chat = StateGraph(MessagesState)
_v3_slow_chat.add_node("model", _slow_chat_model)
_v3_slow_chat.add_edge(START, "model")
_v3_slow_chat.add_edge("model", END)
v3_slow_chat = _v3_slow_chat.compile()


class ReviewState(MessagesState):
    approved: str


def _review(state: ReviewState) -> dict[str, Any]:
    answer = lg_interrupt({"question": "Send this answer?"})
    return {"approved": str(answer)}


_v3_review = StateGraph(ReviewState)
_v3_review.add_node("model", _chat_model)
_v3_review.add_node("review", _review)
_v3_review.add_edge(START, "model")
_v3_review.add_edge("model", "review")
_v3_review.add_edge("review", END)
#: `v3_review`: the chat model answers (``CHAT_TEXT``, token by token), then ``review``
#: interrupts with ``{"question": "Send this answer?"}`` and stores the answer in ``approved``.
v3_review = _v3_review.compile()


# --------------------------------------------------------------------------- #
# 10. Graphs of the how-to guides (examples/*.rs)
#
# The small graphs the platform's how-to guides define, as the guides write
# them where they are deterministic, so that an example's output can be set
# side by side with the guide's.
# --------------------------------------------------------------------------- #


class JokeState(TypedDict, total=False):
    topic: str
    joke: str


def _refine_topic(state: JokeState) -> dict[str, Any]:
    return {"topic": state["topic"] + " and cats"}


def _generate_joke(state: JokeState) -> dict[str, Any]:
    return {"joke": f"This is a joke about {state['topic']}"}


_joke = StateGraph(JokeState)
_joke.add_node("refine_topic", _refine_topic)
_joke.add_node("generate_joke", _generate_joke)
_joke.add_edge(START, "refine_topic")
_joke.add_edge("refine_topic", "generate_joke")
_joke.add_edge("generate_joke", END)
#: `joke` (the streaming and time-travel guides): ``refine_topic`` appends
#: " and cats" to ``topic``, ``generate_joke`` sets ``joke`` to
#: "This is a joke about <topic>".
joke = _joke.compile()


class HitlState(TypedDict, total=False):
    some_text: str


def _human_node(state: HitlState) -> dict[str, Any]:
    value = lg_interrupt({"text_to_revise": state["some_text"]})
    return {"some_text": value}


_hitl = StateGraph(HitlState)
_hitl.add_node("human_node", _human_node)
_hitl.add_edge(START, "human_node")
_hitl.add_edge("human_node", END)
#: `hitl` (the human-in-the-loop guide): ``human_node`` interrupts with
#: ``{"text_to_revise": some_text}`` and stores the answer in ``some_text``.
hitl = _hitl.compile()


#: How long `weather`'s ``answer`` node takes: long enough for a second run to
#: arrive while the first is busy (double texting).
WEATHER_ANSWER_DELAY = 2.0


def _city(state: MessagesState) -> str:
    question = str(state["messages"][-1].content)
    found = re.search(r"weather in (\w+)", question)
    return found.group(1) if found else question


def _look_up(state: MessagesState) -> dict[str, Any]:
    return {"messages": [AIMessage(content=f"Looking up the weather in {_city(state)}...")]}


async def _answer(state: MessagesState) -> dict[str, Any]:
    await asyncio.sleep(WEATHER_ANSWER_DELAY)
    return {"messages": [AIMessage(content=f"It is sunny in {_city(state)}.")]}


_weather = StateGraph(MessagesState)
_weather.add_node("look_up", _look_up)
_weather.add_node("answer", _answer)
_weather.add_edge(START, "look_up")
_weather.add_edge("look_up", "answer")
_weather.add_edge("answer", END)
#: `weather` (the double-texting guides): for "what's the weather in <city>?",
#: ``look_up`` says "Looking up the weather in <city>...", then ``answer``
#: waits ``WEATHER_ANSWER_DELAY`` seconds and says "It is sunny in <city>.".
weather = _weather.compile()


class ConfigEchoState(TypedDict, total=False):
    # Not `configurable`: that channel name is reserved.
    seen: dict[str, str]


def _config_echo(state: ConfigEchoState, config: RunnableConfig) -> dict[str, Any]:
    conf = _configurable(config)
    return {"seen": {k: v for k, v in conf.items() if isinstance(v, str)}}


_config_echo_graph = StateGraph(ConfigEchoState)
_config_echo_graph.add_node("config_echo", _config_echo)
_config_echo_graph.add_edge(START, "config_echo")
_config_echo_graph.add_edge("config_echo", END)
#: `config_echo` (the configurable-headers guide): stores the run's
#: ``config["configurable"]`` (its string values) in ``seen``, so a
#: client sees which request headers reached the graph.
config_echo = _config_echo_graph.compile()
