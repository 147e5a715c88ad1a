"""The project file's shape as typed records, checked at the door.

Every project file, setup string and pasted graph is decoded with msgspec and
converted into these records before anything is built: types, ranges, finite numbers,
id syntax, sizes and (through the typed records, which hold no free-form nesting) the
nesting depth. msgspec is used rather than hand-written checks because it refuses NaN
and Infinity literals, integers too long for a number and runaway nesting while it
decodes, and names the failing field as a path; ``check`` turns its message into one
sentence that never echoes the value. The meaning of values (which node types exist,
which settings are in range) stays with the graph catalogue and the settings table.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct, field

from engine.errors import GraphError, NodeplayError

MAX_FILE_BYTES = 256 * 2**20
MAX_NODES = 1_000
MAX_EDGES = 4_000
MAX_TEXT = 60  # characters of a value an error message may quote
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"
# Node ids name torch submodules (GraphModule.layers[id]), so an id may not be an
# attribute torch's ModuleDict already has (the exporter renames Python keywords itself).
RESERVED_IDS = frozenset(
    """
T_destination add_module apply bfloat16 buffers call_super_init children clear compile
cpu cuda double dump_patches eval extra_repr float forward get_buffer get_extra_state
get_parameter get_submodule half ipu items keys load_state_dict modules mtia
named_buffers named_children named_modules named_parameters parameters pop
register_backward_hook register_buffer register_forward_hook register_forward_pre_hook
register_full_backward_hook register_full_backward_pre_hook
register_load_state_dict_post_hook register_load_state_dict_pre_hook register_module
register_parameter register_state_dict_post_hook register_state_dict_pre_hook
requires_grad_ set_extra_state set_submodule share_memory state_dict to to_empty train
training type update values xpu zero_grad""".split()
)

Int = Annotated[int, Meta(ge=-(2**53), le=2**53)]
Number = Annotated[float, Meta(ge=-1e30, le=1e30)]  # finite: NaN and inf fail both bounds
Coord = Annotated[float, Meta(ge=-1e7, le=1e7)]
Word = Annotated[str, Meta(max_length=40)]
Label = Annotated[str, Meta(max_length=MAX_TEXT)]
NodeId = Annotated[str, Meta(pattern=ID_PATTERN)]
PortRef = Annotated[str, Meta(max_length=81)]
# node parameters are scalars or short flat lists (features, shapes); never nested
ParamValue = bool | Int | Number | Word | Annotated[list[Int | Number | Word], Meta(max_length=8)]


class NodeRecord(Struct):
    id: NodeId
    type: Word
    params: Annotated[dict[Word, Any], Meta(max_length=32)] = {}
    pos: tuple[Coord, Coord] = (0.0, 0.0)
    label: Label = ""

    def __post_init__(self) -> None:
        # checked one by one so that the message names the parameter (msgspec's path
        # through a dict says only "[key]")
        for key, value in self.params.items():
            try:
                msgspec.convert(value, ParamValue)
            except msgspec.ValidationError as err:
                raise ValueError(_sentence(str(err), f"params.{key}")) from None


class EdgeRecord(Struct):
    src: PortRef = field(name="from")
    dst: PortRef = field(name="to")


class GroupRecord(Struct):
    name: Label
    nodes: Annotated[list[NodeId], Meta(max_length=MAX_NODES)]


class GraphRecord(Struct):
    nodes: Annotated[list[NodeRecord], Meta(max_length=MAX_NODES)]
    edges: Annotated[list[EdgeRecord], Meta(max_length=MAX_EDGES)] = []
    groups: Annotated[list[GroupRecord], Meta(max_length=MAX_NODES)] = []


class WeightsRecord(Struct):
    data: Annotated[str, Meta(max_length=MAX_FILE_BYTES)]
    format: str = "safetensors"
    encoding: str = "base64"
    sha256: Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")] | None = None  # absent in old files


class StateRecord(Struct):
    weights: WeightsRecord
    epoch: Annotated[int, Meta(ge=0, le=10**12)] = 0


class ProjectRecord(Struct):
    format_version: int
    graph: GraphRecord
    app: Word = "nodeplay"
    name: Annotated[str, Meta(max_length=200)] = "untitled"
    description: Annotated[str, Meta(max_length=20_000)] = ""
    # settings are checked by engine.settings, which names the setting and its range
    data: Annotated[dict[Word, Any], Meta(max_length=32)] = {}
    train: Annotated[dict[Word, Any], Meta(max_length=32)] = {}
    points: Any = None  # checked by engine.project.points_from_dict, which names the point
    state: StateRecord | None = None


_KINDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
    "int | float": "a number",
}


def excerpt(value: object, limit: int = MAX_TEXT) -> str:
    """A value as an error message may quote it: its repr, cut to ``limit`` characters."""
    try:
        text = repr(value)
    except ValueError:  # an integer longer than Python converts to text
        return "a number of thousands of digits"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _kind(name: str) -> str:
    return " or ".join(_KINDS.get(p.strip(), p.strip()) for p in name.split("|"))


def _sentence(message: str, root: str = "") -> str:
    """msgspec's 'Expected `int`, got `str` - at `$.a[0]`' as 'a[0] must be ..., not ...'."""
    text, _, at = message.partition(" - at `")
    at = at.rstrip("`")
    if at.startswith("key` in `"):  # a dict's key is at fault
        at = at.removeprefix("key` in `")
        root = "a key in "
    path = root + at.removeprefix("$").lstrip(".").replace("[...]", "[key]")
    path = path.rstrip(".") or "the file"
    if text.startswith("params."):  # a node's parameter, worded by NodeRecord.__post_init__
        return f"{path}.{text}"
    missing = re.match(r"Object missing required field `(.+)`", text)
    if missing:
        return f"{path} needs the field '{missing.group(1)}'"
    got = re.match(r"Expected `([^`]+)`, got `([^`]+)`", text)
    if got:
        return f"{path} must be {_kind(got.group(1))}, not {_kind(got.group(2))}"
    pattern = re.match(r"Expected `str` matching regex '(.+)'", text)
    if pattern and pattern.group(1) == ID_PATTERN:
        return (
            f"{path} must be a name of up to 40 letters, digits and underscores that "
            "starts with a letter, like dense1"
        )
    if pattern:
        return f"{path} must be text in the expected format"
    bound = re.match(r"Expected `([^`]+)` (of length )?(>=|<=) (\S+)", text)
    if bound:
        side = "at least" if bound.group(3) == ">=" else "at most"
        if bound.group(2):
            return f"{path} must be {_kind(bound.group(1))} of {side} {bound.group(4)} items or characters"
        return f"{path} must be {_kind(bound.group(1))}, finite and {side} {bound.group(4)}"
    if "out of range" in text:
        return f"{path} holds a number too large to use"
    return f"{path} is not valid ({text[:MAX_TEXT]})"


def check(data: object, record: type, where: str, error: type = NodeplayError):
    """``data`` converted into ``record``; a mismatch is one sentence naming the field."""
    try:
        return msgspec.convert(data, record)
    except msgspec.ValidationError as err:
        raise error(f"{where} cannot be used: {_sentence(str(err))}.") from None
    except RecursionError:
        raise error(f"{where} cannot be used: it is nested too deeply.") from None


def decode_json(raw: bytes | str, where: str) -> object:
    """Plain JSON values from text; NaN, Infinity, huge integers and deep nesting refused."""
    if len(raw) > MAX_FILE_BYTES:
        raise NodeplayError(
            f"{where} is larger than {MAX_FILE_BYTES // 2**20} MB, more than a Nodeplay project holds."
        )
    try:
        return msgspec.json.decode(raw)
    except msgspec.ValidationError as err:  # a number too large for a float or int64
        raise NodeplayError(f"{where} is damaged: {_sentence(str(err))}.") from None
    except msgspec.DecodeError as err:
        raise NodeplayError(
            f"{where} is damaged: it is not valid JSON "
            f"({str(err).removeprefix('JSON is malformed: ')[:MAX_TEXT]})."
        ) from None
    except RecursionError:
        raise NodeplayError(f"{where} is damaged: its JSON is nested too deeply.") from None


def check_node_id(node_id: str) -> None:
    """Refuse an id that cannot name a torch submodule and a Python attribute."""

    if not isinstance(node_id, str) or not re.fullmatch(ID_PATTERN, node_id):
        raise GraphError(
            f"The node id {excerpt(node_id)} is not allowed: an id is a name of "
            "up to 40 letters, digits and underscores that starts with a "
            "letter, like dense1."
        )
    if node_id in RESERVED_IDS:
        raise GraphError(f"The node id '{node_id}' is reserved by PyTorch; choose another, like dense1.")
